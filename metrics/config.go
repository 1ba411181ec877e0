package metrics

import (
	"net"
	"strconv"

	"github.com/shenava/shenava/internal/conf"
)

// DefaultListen is the address /metrics and /healthz are served on: this
// machine only.
const DefaultListen = "127.0.0.1:9464"

// Config is the metrics section of config.yaml.
type Config struct {
	// Listen is host:port; "" turns the endpoint off.
	Listen string `yaml:"listen"`
	// AllowRemote permits a non-loopback address.
	AllowRemote bool `yaml:"allow_remote"`
}

// DefaultConfig is the section with its defaults.
func DefaultConfig() Config { return Config{Listen: DefaultListen} }

// Enabled reports whether the endpoint is on.
func (c Config) Enabled() bool { return c.Listen != "" }

// Validate reports the section's problems (a *conf.Error), each naming its
// key under metrics.
func (c Config) Validate() error { return c.Problems().Err() }

// Problems lists the section's problems, as Validate reports them.
func (c Config) Problems() conf.Problems {
	var ps conf.Problems
	if c.Listen == "" {
		return ps
	}
	host, port, err := net.SplitHostPort(c.Listen)
	if err != nil {
		ps.Add("listen", "must be host:port such as 127.0.0.1:9464, got %q", c.Listen)
		return ps
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		ps.Add("listen", "port must be a number from 0 to 65535, got %q", port)
		return ps
	}
	if !c.AllowRemote && !conf.LoopbackHost(host) {
		ps.Add("listen", "%q is reachable from other machines; use 127.0.0.1 or ::1, or set allow_remote: true", c.Listen)
	}
	return ps
}
