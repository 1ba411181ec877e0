package main

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/shenava/shenava/admin"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

func cmdCodes() command {
	return command{
		summary: "codes add FILE: load reward codes for referrers (each handed out once, ever)",
		run: func(ctx context.Context, e env, args []string) error {
			if len(args) == 0 || args[0] != "add" {
				return fmt.Errorf("codes: want 'codes add [-config config.yaml] FILE': %w", errUsage)
			}
			fs := newFlagSet(e, "codes add", "[-config config.yaml] FILE (one code per line; # comments)")
			path := fs.String("config", "config.yaml", "configuration file")
			if err := parseFlags(fs, args[1:]); err != nil {
				return err
			}
			if fs.NArg() != 1 {
				return fmt.Errorf("codes add: give one file of codes: %w", errUsage)
			}
			raw, err := os.ReadFile(fs.Arg(0))
			if err != nil {
				return fmt.Errorf("codes add: %w", err)
			}
			codes, err := admin.ReadCodes(bytes.NewReader(raw))
			if err != nil {
				return fmt.Errorf("codes add: %s: %w", fs.Arg(0), err)
			}
			cfg, err := loadConfig(e, *path)
			if err != nil {
				return err
			}
			var res core.CodeLoad
			left := -1
			err = withDatabase(ctx, cfg, false,
				func(db store.Store) error {
					if res, err = db.AddCodes(ctx, codes); err != nil {
						return err
					}
					left, err = db.CodesLeft(ctx)
					return err
				},
				func(c admin.Client) error {
					res, err = c.AddCodes(ctx, raw)
					return err
				})
			if err != nil {
				return fmt.Errorf("codes add: %w", err)
			}
			fmt.Fprintf(e.stdout, "added %d codes; refused %d already loaded once and %d malformed", res.Added, res.Duplicates, res.Invalid)
			if left >= 0 {
				fmt.Fprintf(e.stdout, "; %d codes left to hand out", left)
			}
			fmt.Fprintln(e.stdout)
			return nil
		},
	}
}
