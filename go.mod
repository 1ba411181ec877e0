module github.com/shenava/shenava

go 1.26
