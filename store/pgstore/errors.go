package pgstore

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// describe turns a connection or statement error into one that says what
// an operator should fix: the server unreachable, the password refused,
// a missing privilege, the database missing.
func describe(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "28P01" || pe.Code == "28000":
			return fmt.Errorf("authentication failed (check the user and password in storage.dsn): %s", pe.Message)
		case pe.Code == "3D000":
			return fmt.Errorf("database does not exist (create it, or fix storage.dsn): %s", pe.Message)
		case pe.Code == "42501":
			return fmt.Errorf("missing privilege (see README, PostgreSQL privileges): %s", pe.Message)
		}
		return err
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) {
		return fmt.Errorf("cannot reach the database server (is it running, and is storage.dsn's host and port right?): %w", redact(err))
	}
	return err
}

// redact keeps a password that pgx may quote from a DSN out of an error.
func redact(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "password="); i >= 0 {
		j := strings.IndexAny(msg[i:], " '\"")
		if j < 0 {
			j = len(msg) - i
		}
		msg = msg[:i] + "password=xxxxx" + msg[i+j:]
	}
	return errors.New(msg)
}
