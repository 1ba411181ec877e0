# Shenava — common tasks. `make help` lists them.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
FUZZTIME ?= 30s

.PHONY: help test lint build run demo bench fuzz check

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

test: ## vet, then every test with the race detector (what CI runs)
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

lint: ## vet and gofmt
	$(GO) vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

build: ## build ./shenava with the version stamped in
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o shenava ./cmd/shenava

demo: ## the whole pipeline on the bundled sample mentions, offline
	$(GO) run ./cmd/shenava demo

run: build ## the daemon with ./config.yaml
	./shenava run -config config.yaml

bench: ## benchmarks (ingest, analysis)
	$(GO) test -run '^$$' -bench . -benchmem ./listen/ ./sentiment/ ./e2e/

fuzz: ## each fuzz target for FUZZTIME (seed corpora also run in `make test`)
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

check: lint test ## everything CI checks
