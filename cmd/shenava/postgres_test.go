package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/pgtest"
	"github.com/shenava/shenava/internal/storetest"
	"github.com/shenava/shenava/store"
	"github.com/shenava/shenava/store/pgstore"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// writePostgresConfig writes a config with one file source whose storage
// is PostgreSQL at ${DATABASE_URL}, plus extra lines under storage, and
// returns its path.
func writePostgresConfig(t *testing.T, dir, storage string) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "mentions.jsonl")); err != nil {
		if err := os.WriteFile(filepath.Join(dir, "mentions.jsonl"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := `brand:
  name: Shenava Coffee
  keywords: [shenava, شنوا]
sources:
  file:
    - name: replay
      path: mentions.jsonl
storage:
  driver: postgres
  dsn: ${DATABASE_URL}
` + storage
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func pgEnv(dsn string) testEnv { return testEnv{vars: map[string]string{"DATABASE_URL": dsn}} }

func TestMigrate_AppliesTheSchemaOnce(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	path := writePostgresConfig(t, t.TempDir(), "")
	te := pgEnv(dsn)
	if err := te.run(t, "migrate", "-config", path); err != nil {
		t.Fatalf("migrate: %v\n%s", err, te.stdout.String())
	}
	out := te.stdout.String()
	for v := 1; v <= pgstore.SchemaVersion; v++ {
		if !strings.Contains(out, fmt.Sprintf("applied migration %04d_", v)) {
			t.Errorf("migration %d not reported:\n%s", v, out)
		}
	}
	if !strings.Contains(out, fmt.Sprintf("schema at version %d", pgstore.SchemaVersion)) {
		t.Errorf("no final version:\n%s", out)
	}
	if err := te.run(t, "migrate", "-config", path); err != nil || strings.Contains(te.stdout.String(), "applied") ||
		!strings.Contains(te.stdout.String(), "schema up to date") {
		t.Fatalf("second migrate: %v\n%s", err, te.stdout.String())
	}
	if err := te.run(t, "check", "-config", path); err != nil ||
		!strings.Contains(te.stdout.String(), fmt.Sprintf("✓ storage: PostgreSQL 1")) ||
		!strings.Contains(te.stdout.String(), fmt.Sprintf("schema version %d", pgstore.SchemaVersion)) {
		t.Fatalf("check after migrate: %v\n%s", err, te.stdout.String())
	}
	if strings.Contains(te.stdout.String()+te.stderr.String(), dsn) {
		t.Fatal("check printed the DSN")
	}
}

// TestMigrate_CopiesABboltDatabase: shenava migrate -from bbolt:FILE -to
// postgres copies every kind of record, prints the counts of both, and
// running it again changes nothing; the daemon then runs on the copy.
func TestMigrate_CopiesABboltDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "old.db")
	src, err := store.Open(file, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Fill(t, src)
	src.Close()
	dsn := pgtest.DSN(t)
	path := writePostgresConfig(t, dir, "")
	te := pgEnv(dsn)
	for i, want := range []string{"applied migration 0001_", "copied before"} {
		if err := te.run(t, "migrate", "-config", path, "-from", "bbolt:"+file, "-to", "postgres"); err != nil {
			t.Fatalf("migrate #%d: %v\n%s", i+1, err, te.stdout.String())
		}
		out := te.stdout.String()
		if !strings.Contains(out, want) || !strings.Contains(out, "every count matches") {
			t.Fatalf("migrate #%d printed:\n%s", i+1, out)
		}
		for _, k := range store.Kinds {
			if !strings.Contains(out, string(k)) {
				t.Errorf("migrate #%d does not count %s:\n%s", i+1, k, out)
			}
		}
		if i == 0 {
			t.Logf("shenava migrate printed:\n%s", out)
		}
	}
	db, err := pgstore.Open(context.Background(), pgstore.Options{DSN: dsn, NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.MentionCount(context.Background()); n != 7 || err != nil {
		t.Fatalf("%d mentions in PostgreSQL (%v), want Fill's 7", n, err)
	}
	if c, err := db.Case(context.Background(), 1); err != nil || c.State != "resolved" || len(c.Events) < 4 {
		t.Fatalf("case 1 = %+v, %v; want it resolved with its audit trail", c, err)
	}
	// The digest reads the same from the file and from the copy.
	bboltPath := filepath.Join(t.TempDir(), "config.yaml")
	bboltCfg := strings.Replace(mustRead(t, path), "  driver: postgres\n  dsn: ${DATABASE_URL}\n",
		"  path: "+file+"\n", 1)
	bboltCfg = strings.Replace(bboltCfg, "path: mentions.jsonl", "path: "+filepath.Join(dir, "mentions.jsonl"), 1)
	if err := os.WriteFile(bboltPath, []byte(bboltCfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var digests []string
	for _, p := range []string{bboltPath, path} {
		if err := te.run(t, "digest", "-config", p, "-date", "2026-11-20"); err != nil {
			t.Fatalf("digest -config %s: %v\n%s", p, err, te.stderr.String())
		}
		digests = append(digests, te.stdout.String())
	}
	if digests[0] != digests[1] || !strings.Contains(digests[0], "@hu3") {
		t.Fatalf("the digest of the file:\n%s\nand of the copy:\n%s", digests[0], digests[1])
	}
	// The copy's codes are counted and handed out as the file's were.
	if err := os.WriteFile(filepath.Join(dir, "codes.txt"), []byte("D1\nB1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := te.run(t, "codes", "add", "-config", path, filepath.Join(dir, "codes.txt")); err != nil ||
		!strings.Contains(te.stdout.String(), "added 1 codes; refused 1 already loaded once") ||
		!strings.Contains(te.stdout.String(), "3 codes left") {
		t.Fatalf("codes add on the copy: %v\n%s", err, te.stdout.String())
	}
}

func TestMigrate_Refuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "held.db")
	held, err := store.Open(file, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	pgPath := writePostgresConfig(t, dir, "")
	bboltPath := writeConfig(t, t.TempDir(), "")
	te := pgEnv("postgres://nobody@127.0.0.1:1/none")
	for _, tt := range []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"FromWithoutTo", []string{"-config", pgPath, "-from", "bbolt:" + file}, true, "-from and -to go together"},
		{"ToBbolt", []string{"-config", pgPath, "-from", "bbolt:" + file, "-to", "bbolt"}, true, "only postgres"},
		{"FromPostgres", []string{"-config", pgPath, "-from", "postgres:x", "-to", "postgres"}, true, "want bbolt:FILE"},
		{"BboltConfig", []string{"-config", bboltPath}, false, "storage.driver is bbolt"},
		{"Unreachable", []string{"-config", pgPath}, false, "cannot reach the database server"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := te.run(t, append([]string{"migrate"}, tt.args...)...)
			if err == nil || errors.Is(err, errUsage) != tt.usage || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("migrate %q = %v; want %q (usage error: %v)", tt.args, err, tt.want, tt.usage)
			}
		})
	}
	// A file a running shenava holds is not copied while it may change.
	te = pgEnv(pgtest.DSN(t))
	err = te.run(t, "migrate", "-config", pgPath, "-from", "bbolt:"+file, "-to", "postgres")
	if err == nil || !strings.Contains(err.Error(), "in use by a running shenava") {
		t.Fatalf("migrate from a held file = %v", err)
	}
}

// TestCheck_Postgres: check names what is wrong with the database.
func TestCheck_Postgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	migrated := pgtest.DSN(t)
	db, err := pgstore.Open(ctx, pgstore.Options{DSN: migrated})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	newer := pgtest.DSN(t)
	if db, err = pgstore.Open(ctx, pgstore.Options{DSN: newer}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, `INSERT INTO shenava_schema (version, name) VALUES ($1, 'later')`, pgstore.SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// A role that may connect but not touch the tables.
	role := fmt.Sprintf("shenava_ro_%d", time.Now().UnixNano()%1e9)
	admin, err := pgx.Connect(ctx, pgtest.Server(t).Admin())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, "CREATE ROLE "+role+" LOGIN"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(context.Background(), "DROP OWNED BY "+role)
		admin.Exec(context.Background(), "DROP ROLE "+role)
		admin.Close(context.Background())
	})
	cfg, err := pgx.ParseConfig(migrated)
	if err != nil {
		t.Fatal(err)
	}
	limited := fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", role, cfg.Host, cfg.Port, cfg.Database)
	// One that may read the schema version and the mentions, and no more.
	readOnly := pgtest.DSN(t)
	if db, err = pgstore.Open(ctx, pgstore.Options{DSN: readOnly}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, "GRANT SELECT ON shenava_schema, mentions TO "+role); err != nil {
		t.Fatal(err)
	}
	db.Close()
	roCfg, err := pgx.ParseConfig(readOnly)
	if err != nil {
		t.Fatal(err)
	}
	readOnly = fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", role, roCfg.Host, roCfg.Port, roCfg.Database)
	for _, tt := range []struct {
		name, dsn, want string
	}{
		{"Unreachable", "postgres://shenava:s3cret@127.0.0.1:1/shenava?connect_timeout=2", "cannot reach the database server"},
		{"BadDSN", "postgres://shenava:s3cret@127.0.0.1:99999999/shenava?sslmode=nonsense", "parse DSN"},
		{"NoDatabase", strings.Replace(migrated, "/"+cfg.Database+"?", "/no_such_db?", 1), "database does not exist"},
		{"NotMigrated", pgtest.DSN(t), "run `shenava migrate`"},
		{"Newer", newer, "newer than this shenava"},
		{"NoPrivilege", limited, "missing privilege"},
		{"NoTablePrivilege", readOnly, "the role may not DELETE, INSERT, SELECT, UPDATE on "},
		{"ReadOnlyMentions", readOnly, "DELETE, INSERT, UPDATE on mentions"},
		{"NoSequences", readOnly, "USAGE on bot_inbox_seq_seq, cases_id_seq, outbox_id_seq"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			te := pgEnv(tt.dsn)
			path := writePostgresConfig(t, t.TempDir(), "  connect_timeout: 2s\n")
			err := te.run(t, "check", "-config", path)
			out := te.stdout.String()
			if err == nil || !strings.Contains(out, "✗ storage (postgres): ") || !strings.Contains(out, tt.want) {
				t.Fatalf("check = %v, want ✗ storage naming %q:\n%s", err, tt.want, out)
			}
			if strings.Contains(out+te.stderr.String(), "s3cret") {
				t.Errorf("the report shows the password:\n%s", out)
			}
			if strings.Contains(out, "pgstore:") {
				t.Errorf("the report repeats the package's prefix:\n%s", out)
			}
			if err := te.run(t, "check", "-offline", "-config", path); err != nil ||
				!strings.Contains(te.stdout.String(), "database not checked (-offline)") {
				t.Errorf("check -offline = %v:\n%s", err, te.stdout.String())
			}
		})
	}
}

// TestRun_Postgres: the daemon applies the schema at start and works on
// PostgreSQL as on its bbolt file; with auto_migrate off it refuses a
// database not yet migrated, naming the command that does it.
func TestRun_Postgres(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mentions := `{"id":"1","platform":"x","author":{"id":"7","handle":"arash"},"text":"@shenava my order is two hours late, nobody answers the phone, this is terrible","created_at":"2026-11-22T08:00:00Z"}
{"id":"2","platform":"x","author":{"id":"8","handle":"mina"},"text":"شنوا بهترین قهوه شهر رو داره، به همه دوستام معرفیش کردم","created_at":"2026-11-22T08:05:00Z"}
`
	if err := os.WriteFile(filepath.Join(dir, "mentions.jsonl"), []byte(mentions), 0o600); err != nil {
		t.Fatal(err)
	}
	dsn := pgtest.DSN(t)
	off := writePostgresConfig(t, t.TempDir(), "  auto_migrate: false\n")
	te := pgEnv(dsn)
	if err := te.run(t, "run", "-config", off); err == nil || !strings.Contains(err.Error(), "shenava migrate") {
		t.Fatalf("run with auto_migrate off on an empty database = %v; want it refused, naming shenava migrate", err)
	}
	path := writePostgresConfig(t, dir, "  replica: shenava-test-1\n")
	var stdout, stderr syncBuffer
	e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		getenv: func(k string) string { return map[string]string{"DATABASE_URL": dsn}[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, e, []string{"run", "-config", path}) }()
	waitFor(t, "the alert", func() bool { return strings.Contains(stdout.String(), "🔔 ALERT case #1") })
	// The daemon holds its replica's lease while it runs.
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	var live int
	err = conn.QueryRow(context.Background(), `SELECT count(*) FROM replicas WHERE name = 'shenava-test-1'
		AND lease_until_ns > shenava_now_ns()`).Scan(&live)
	conn.Close(context.Background())
	if err != nil || live != 1 {
		t.Fatalf("%d live leases of replica shenava-test-1 (%v), want 1", live, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v after shutdown\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop after its context ended")
	}
	if strings.Contains(stderr.String(), dsn) {
		t.Fatal("the log holds the DSN")
	}
	if _, err := os.Stat(filepath.Join(dir, "shenava.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a bbolt file was made next to the config: %v", err)
	}
	db, err := pgstore.Open(context.Background(), pgstore.Options{DSN: dsn, NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, _ := db.MentionCount(context.Background()); n != 2 {
		t.Fatalf("%d mentions in PostgreSQL, want 2", n)
	}
	// backup is the bbolt file's; PostgreSQL's is pg_dump.
	if err := te.run(t, "backup", "-config", path, "-out", filepath.Join(dir, "copy.db")); err == nil ||
		!errors.Is(err, errNotBbolt) || !strings.Contains(err.Error(), "pg_dump") || exitCode(err) == 0 {
		t.Fatalf("backup on postgres = %v", err)
	}
}

// TestStorageDefaults_AgreeWithPgstore: the config's defaults are the
// driver's own.
func TestStorageDefaults_AgreeWithPgstore(t *testing.T) {
	t.Parallel()
	if store.DefaultMaxConns != pgstore.DefaultMaxConns || store.DefaultConnectTimeout != pgstore.DefaultConnectTimeout {
		t.Fatalf("storage defaults %d, %s; pgstore's %d, %s", store.DefaultMaxConns, store.DefaultConnectTimeout,
			pgstore.DefaultMaxConns, pgstore.DefaultConnectTimeout)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAdminHandler_Postgres: the admin endpoints stand in for a locked
// bbolt file; on PostgreSQL they say the commands connect themselves.
func TestAdminHandler_Postgres(t *testing.T) {
	t.Parallel()
	db, err := pgstore.Open(context.Background(), pgstore.Options{DSN: pgtest.DSN(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rec := httptest.NewRecorder()
	adminHandler(db, nil).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/admin/backup", nil))
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "connect to the database") {
		t.Fatalf("GET /admin/backup on postgres = %d %q", rec.Code, rec.Body.String())
	}
}

// newRole creates, through db (open on dsn as its owner), a login role
// named prefix and a number that may connect to the database and use its
// public schema, and grants it each of grants ("SELECT ON t": GRANT SELECT
// ON t TO the role). The role is dropped after the test. It returns a DSN
// that connects as the role.
func newRole(t *testing.T, db *pgstore.DB, dsn, prefix string, grants ...string) string {
	t.Helper()
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	role := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano()%1e9)
	qs := []string{
		"CREATE ROLE " + role + " LOGIN",
		"GRANT CONNECT ON DATABASE " + cfg.Database + " TO " + role,
		"GRANT USAGE ON SCHEMA public TO " + role,
	}
	for _, g := range grants {
		qs = append(qs, "GRANT "+g+" TO "+role)
	}
	for _, q := range qs {
		if _, err := db.Pool().Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		admin, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			return
		}
		defer admin.Close(context.Background())
		admin.Exec(context.Background(), "DROP OWNED BY "+role)
		admin.Exec(context.Background(), "DROP ROLE "+role)
	})
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", role, cfg.Host, cfg.Port, cfg.Database)
}

// TestAnalystRole: the README's read-only role for analysts reads both
// views, and nothing behind them.
func TestAnalystRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	db, err := pgstore.Open(ctx, pgstore.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Fill(t, db)
	analyst := newRole(t, db, dsn, "analyst", "SELECT ON shenava_mentions, shenava_cases")
	db.Close()
	conn, err := pgx.Connect(ctx, analyst)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var mentions, complaints int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM shenava_mentions WHERE created_at IS NOT NULL`).Scan(&mentions); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM shenava_cases WHERE label = 'negative' AND opened_at IS NOT NULL`).Scan(&complaints); err != nil {
		t.Fatal(err)
	}
	if mentions != 7 || complaints != 3 {
		t.Fatalf("the analyst sees %d mentions and %d complaints, want 7 and 3", mentions, complaints)
	}
	// The README's example query.
	rows, err := conn.Query(ctx, `SELECT date_trunc('day', written_at) AS day, count(*) AS complaints,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_seconds) / 60 AS median_minutes
FROM shenava_cases WHERE label = 'negative' GROUP BY 1 ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if rows.Err() != nil || n != 1 {
		t.Fatalf("the README's query gave %d rows: %v", n, rows.Err())
	}
	for _, table := range []string{"mentions", "outbox", "codes", "web_sessions"} {
		if _, err := conn.Exec(ctx, "SELECT 1 FROM "+table+" LIMIT 1"); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("the analyst reads %s: %v", table, err)
		}
	}
}

// TestBackup_PgDumpRestore: the README's backup and restore with pg_dump
// and pg_restore give a database that opens at this schema version, holds
// the same records, and hands out IDs after them.
func TestBackup_PgDumpRestore(t *testing.T) {
	t.Parallel()
	dump, err1 := exec.LookPath("pg_dump")
	restore, err2 := exec.LookPath("pg_restore")
	if err1 != nil || err2 != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no pg_dump or pg_restore: %v %v", err1, err2)
		}
		t.Skipf("no pg_dump or pg_restore: %v %v", err1, err2)
	}
	ctx := context.Background()
	from, to := pgtest.DSN(t), pgtest.DSN(t)
	src, err := pgstore.Open(ctx, pgstore.Options{DSN: from})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	storetest.Fill(t, src)
	file := filepath.Join(t.TempDir(), "shenava.dump")
	if out, err := exec.Command(dump, "-Fc", "-d", from, "-f", file).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	if out, err := exec.Command(restore, "--no-owner", "-d", to, file).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	dst, err := pgstore.Open(ctx, pgstore.Options{DSN: to, NoMigrate: true})
	if err != nil {
		t.Fatalf("the restored database does not open as it is: %v", err)
	}
	defer dst.Close()
	for _, s := range []store.Store{src, dst} {
		if n, err := s.MentionCount(ctx); n != 7 || err != nil {
			t.Fatalf("%d mentions (%v), want 7", n, err)
		}
		as, err := s.Actions(ctx, store.ActionFilter{})
		if err != nil || len(as) != 12 {
			t.Fatalf("%d actions (%v), want 12", len(as), err)
		}
		got, err := s.Enqueue(ctx, core.Action{Kind: core.ActionNotify, DedupKey: "after-restore", Text: "x",
			Actor: core.ActorSystem, CreatedAt: storetest.FillDay})
		if err != nil || len(got) != 1 || got[0].ID != 13 {
			t.Fatalf("a new action after the restore: %+v, %v; want ID 13", got, err)
		}
	}
}

// TestPrivileges_AsTheREADMEGrants: a role that is not the owner, granted
// what the README lists, runs everything the daemon does on a migrated
// database, and check passes with a warning that it may not migrate.
func TestPrivileges_AsTheREADMEGrants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	owner, err := pgstore.Open(ctx, pgstore.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	app := newRole(t, owner, dsn, "shenava_app",
		"SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public", "USAGE ON ALL SEQUENCES IN SCHEMA public")
	owner.Close()
	db, err := pgstore.Open(ctx, pgstore.Options{DSN: app, NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Fill(t, db)
	db.Close()
	te := pgEnv(app)
	path := writePostgresConfig(t, t.TempDir(), "  auto_migrate: false\n")
	if err := te.run(t, "check", "-config", path); err != nil || !strings.Contains(te.stdout.String(), "may not CREATE in schema public") {
		t.Fatalf("check as the application role = %v:\n%s", err, te.stdout.String())
	}
}
