module github.com/shenava/shenava

go 1.26.0

require (
	github.com/go-telegram/bot v1.19.0
	go.etcd.io/bbolt v1.5.0
	golang.org/x/text v0.43.0
)

require golang.org/x/sys v0.45.0 // indirect
