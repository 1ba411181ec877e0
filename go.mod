module github.com/shenava/shenava

go 1.26

require (
	github.com/getkin/kin-openapi v0.152.0
	github.com/mattn/go-mastodon v0.0.13
	github.com/mmcdole/gofeed v1.4.2
	golang.org/x/net v0.57.0
	golang.org/x/text v0.40.0
)

require (
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/gorilla/websocket v1.5.3 // indirect
	github.com/kr/pretty v0.3.1 // indirect
	github.com/mmcdole/goxpp/v2 v2.0.0 // indirect
	github.com/oasdiff/yaml v0.1.1 // indirect
	github.com/oasdiff/yaml3 v0.0.14 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/tomnomnom/linkheader v0.0.0-20250811210735-e5fe3b51442e // indirect
)
