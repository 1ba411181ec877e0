// Package pgtest gives tests a real PostgreSQL: a throwaway cluster that
// the test process starts (initdb and pg_ctl on a temporary directory,
// listening on 127.0.0.1 only), or the server named by
// SHENAVA_TEST_POSTGRES, and a fresh empty database for each test.
//
// A package using it calls Main from its TestMain, which stops the cluster
// when the tests end. Without PostgreSQL installed the tests skip, saying
// why; with CI set they fail.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvServer names a server to use instead of starting one: a DSN whose
// user may create databases.
const EnvServer = "SHENAVA_TEST_POSTGRES"

var (
	once    sync.Once
	cluster *Cluster
	start   error
	seq     atomic.Int64
)

// Main runs the tests and then stops the cluster, if they started one.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Stop stops the cluster the tests started, if any: for a TestMain that
// has more to clean up than Main does.
func Stop() {
	if cluster != nil {
		cluster.Stop()
	}
}

// Server returns the process's server, starting it on first use; it skips
// tb (fails it under CI) when PostgreSQL is not installed.
func Server(tb testing.TB) *Cluster {
	tb.Helper()
	once.Do(func() {
		if dsn := os.Getenv(EnvServer); dsn != "" {
			cluster = &Cluster{dsn: dsn}
			return
		}
		cluster, start = Start()
	})
	if start != nil {
		if errors.Is(start, ErrNotInstalled) && os.Getenv("CI") == "" {
			tb.Skipf("no PostgreSQL to test against: %v (install Debian's postgresql, or set %s)", start, EnvServer)
		}
		tb.Fatalf("PostgreSQL for tests: %v", start)
	}
	return cluster
}

// DSN returns the DSN of a new, empty database for tb, dropped when tb
// ends.
func DSN(tb testing.TB) string {
	tb.Helper()
	c := Server(tb)
	dsn, drop, err := c.NewDatabase(context.Background())
	if err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(drop)
	return dsn
}

// ErrNotInstalled says the PostgreSQL server programs were not found.
var ErrNotInstalled = errors.New("initdb and pg_ctl not found")

// Cluster is a PostgreSQL server for tests.
type Cluster struct {
	dsn    string // to the maintenance database
	dir    string // data directory, when started here
	pgCtl  string
	runAs  *syscall.Credential
	stopMu sync.Once
}

// Admin is the DSN of the server's maintenance database.
func (c *Cluster) Admin() string { return c.dsn }

// Start initialises and starts a throwaway cluster in a new temporary
// directory, bound to 127.0.0.1 on a free port, with fsync off (its data
// is thrown away).
func Start() (*Cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "shenava-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, pgCtl: filepath.Join(bin, "pg_ctl")}
	// PostgreSQL refuses to run as root: run it as the postgres user.
	if os.Geteuid() == 0 {
		cred, err := postgresUser()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		c.runAs = cred
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := c.command(filepath.Join(bin, "initdb"), "-D", data, "-U", "shenava", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	var lastErr error
	for range 5 {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		opts := fmt.Sprintf("-h 127.0.0.1 -p %d -k %s -F -c max_connections=300 -c shared_buffers=32MB", port, dir)
		out, err := c.command(c.pgCtl, "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start").CombinedOutput()
		if err == nil {
			c.dsn = fmt.Sprintf("postgres://shenava@127.0.0.1:%d/postgres?sslmode=disable", port)
			return c, nil
		}
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		lastErr = fmt.Errorf("pg_ctl start: %v: %s\n%s", err, out, log)
	}
	os.RemoveAll(dir)
	return nil, lastErr
}

// Stop stops a cluster started here and removes its directory.
func (c *Cluster) Stop() {
	c.stopMu.Do(func() {
		if c.dir == "" {
			return
		}
		c.command(c.pgCtl, "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop").Run()
		os.RemoveAll(c.dir)
	})
}

// NewDatabase creates an empty database and returns its DSN and a func
// dropping it.
func (c *Cluster) NewDatabase(ctx context.Context) (string, func(), error) {
	name := fmt.Sprintf("t_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, seq.Add(1))
	conn, err := pgx.Connect(ctx, c.dsn)
	if err != nil {
		return "", nil, err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, err
	}
	cfg, err := pgx.ParseConfig(c.dsn)
	if err != nil {
		return "", nil, err
	}
	dsn := strings.Replace(c.dsn, "/"+cfg.Database+"?", "/"+name+"?", 1)
	if dsn == c.dsn {
		dsn = c.dsn + " dbname=" + name
	}
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, c.dsn)
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
	return dsn, drop, nil
}

func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = os.TempDir()
	if c.runAs != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.runAs}
	}
	return cmd
}

// findBin finds the directory of initdb and pg_ctl: on PATH, or where
// Debian's postgresql packages install them (the newest version).
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", ErrNotInstalled
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, and no postgres user to run the server as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
