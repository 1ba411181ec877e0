// Command shenava listens to social platforms for mentions of a brand,
// understands them, and puts the ones that need a human in front of the
// community managers in Telegram. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// env is what the process got from outside: arguments, streams and the
// environment. Only main builds it; commands receive it.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"backup":   cmdBackup(),
		"demo":     cmdDemo(),
		"digest":   cmdDigest(),
		"run":      cmdRun(),
		"check":    cmdCheck(),
		"codes":    cmdCodes(),
		"migrate":  cmdMigrate(),
		"web":      cmdWeb(),
		"classify": classifyCommand(),
		"eval":     evalCommand(),
		"train":    trainCommand(),
		"version":  cmdVersion(),
		"telegram": cmdTelegram(),
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	err := run(ctx, e, os.Args[1:])
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "shenava:", err)
		}
		os.Exit(exitCode(err))
	}
}

// errUsage marks a mistake in how the command was called (exit status 2).
var errUsage = errors.New("usage")

func exitCode(err error) int {
	if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

func run(ctx context.Context, e env, args []string) error {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stdout, cmds)
		if len(args) == 0 {
			return fmt.Errorf("no command given: %w", errUsage)
		}
		return nil
	}
	if args[0] == "--version" || args[0] == "-version" {
		args = append([]string{"version"}, args[1:]...)
	}
	c, ok := cmds[args[0]]
	if !ok {
		usage(e.stderr, cmds)
		return fmt.Errorf("unknown command %q: %w", args[0], errUsage)
	}
	return c.run(ctx, e, args[1:])
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "Usage: shenava <command> [flags]\n\nCommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'shenava <command> -h' for the flags of one command;")
	fmt.Fprintln(w, "'shenava --version' is 'shenava version'.")
}

// newFlagSet returns a flag set that reports errors instead of exiting and
// prints its usage to the command's stderr.
func newFlagSet(e env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: shenava %s %s\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and turns a flag error into a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%s: %w: %w", fs.Name(), errUsage, err)
	}
	return nil
}
