package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"spotcheck/draw"
)

// runDraw is the draw command family of spec/cli.md (section “Draws and the
// log”):
//
//	draw replay DIR                                 recompute result.json, selected.tsv, assignment.tsv
//	draw verify DIR                                 spec §9 steps 1–4, and step 5 when DIR/log exists;
//	                                                on a public bundle what the public can (draw_public.go)
//	draw export (--task CODE | --all) [--public] --out DIR
//	                                                bundles from the database (draw_export.go)
//	draw commit --plan HASH --participant ID        the commitment of the secret read from stdin
func (m *Main) runDraw(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("用法：spotcheck draw replay|verify|export|commit …")
	}
	switch args[0] {
	case "replay":
		return m.drawReplay(args[1:])
	case "verify":
		return m.drawVerify(args[1:])
	case "commit":
		return m.drawCommit(args[1:])
	case "export":
		return m.drawExport(ctx, args[1:])
	}
	return usagef("未知的 draw 子命令“%s”，应为 replay、verify、export 或 commit", args[0])
}

// drawFailed prints a problem of a bundle (draw.Error names the file and
// the line) on stderr and makes the command exit with status 1.
func (m *Main) drawFailed(err error) error {
	fmt.Fprintln(m.Stderr, err)
	return errReported
}

// bundleDir parses the one positional argument DIR of replay and verify.
func bundleDir(name string, args []string) (string, error) {
	fs := flag.NewFlagSet("draw "+name, flag.ContinueOnError)
	pos, err := parse(fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		return "", usagef("用法：spotcheck draw %s 目录", name)
	}
	return pos[0], nil
}

// drawReplay checks the six input files of the bundle in DIR against
// plan.json (digests, counts, formats) and the randomness, recomputes the
// seed and the draw, and (over)writes result.json, selected.tsv and
// assignment.tsv. A summary goes to stdout; a warning for each output file
// that existed with other content goes to stderr.
func (m *Main) drawReplay(args []string) error {
	dir, err := bundleDir("replay", args)
	if err != nil {
		return err
	}
	b, err := draw.ReadInputs(dir)
	if err != nil {
		return m.drawFailed(err)
	}
	o, err := draw.Run(b.Plan, b.Randomness, b.Inputs)
	if err != nil {
		return m.drawFailed(err)
	}
	b.Result, b.Selected, b.Assignment = o.Result, o.Selected, o.Assignment
	var changed []string
	for _, name := range []string{draw.FileResult, draw.FileSelected, draw.FileAssignment} {
		if old, err := os.ReadFile(filepath.Join(dir, name)); err == nil && !bytes.Equal(old, b.File(name)) {
			changed = append(changed, name)
		}
	}
	if err := b.WriteOutputs(dir); err != nil {
		return m.drawFailed(fmt.Errorf("写入结果失败：%w", err))
	}
	for _, name := range changed {
		fmt.Fprintf(m.Stderr, "注意：%s 与原有内容不同，已按重算结果覆盖\n", name)
	}
	p, _ := draw.ParsePlan(b.Plan)
	reserves := len(o.Picks) - len(o.Teams)
	unassigned := 0
	for _, t := range o.Teams {
		if t.Inspectors == nil {
			unassigned++
		}
	}
	fmt.Fprintf(m.Stdout, "已重算 %s（seed %s）：选中 %d 个，备选 %d 个，未分配 %d 个；已写入 %s、%s、%s\n",
		p.Task, o.Seed[:16], len(o.Teams), reserves, unassigned, draw.FileResult, draw.FileSelected, draw.FileAssignment)
	return nil
}

// drawVerify checks the bundle in DIR: spec §9 steps 1–4 (package draw),
// then step 5 when DIR holds log/ (verifyBundleLog). A public bundle (no
// result.json) gets what the public can check (verifyPublic). Success
// prints "ok <task> <seed_hex[:16]>"; the first problem goes to stderr,
// exit 1.
func (m *Main) drawVerify(args []string) error {
	dir, err := bundleDir("verify", args)
	if err != nil {
		return err
	}
	if isPublicBundle(dir) {
		return m.verifyPublic(dir)
	}
	b, err := draw.ReadBundle(dir)
	if err != nil {
		return m.drawFailed(err)
	}
	sum, err := draw.Verify(b)
	if err != nil {
		return m.drawFailed(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "log")); err == nil && fi.IsDir() {
		if err := verifyBundleLog(dir, b); err != nil {
			return m.drawFailed(err)
		}
	}
	fmt.Fprintln(m.Stdout, sum.String())
	return nil
}

// maxSecret bounds what draw commit reads from a pipe.
const maxSecret = 64 << 10

// drawCommit prints the commitment (spec §4) of the secret read from
// standard input for the plan hash and the participant. From a pipe it reads
// everything and removes one trailing LF or CRLF, nothing else; on a
// terminal it reads one line without echo. The secret must have at least 20
// characters and no LF (draw.CheckSecret).
func (m *Main) drawCommit(args []string) error {
	fs := flag.NewFlagSet("draw commit", flag.ContinueOnError)
	plan := fs.String("plan", "", "抽取方案哈希（plan.json 的 SHA-256，64 位小写十六进制）")
	participant := fs.String("participant", "", "参与方标识")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *plan == "" || *participant == "" {
		return usagef("用法：spotcheck draw commit --plan 方案哈希 --participant 参与方 （秘密从标准输入读取）")
	}
	if !draw.IsHash(*plan) {
		return usagef("--plan 应为 64 位小写十六进制的方案哈希，而不是“%s”", *plan)
	}
	if err := draw.CheckIdentifier("参与方 ", *participant); err != nil {
		return usagef("--participant：%v", err)
	}
	secret, err := m.readSecret()
	if err != nil {
		return m.drawFailed(err)
	}
	if err := draw.CheckSecret(secret); err != nil {
		return m.drawFailed(err)
	}
	fmt.Fprintln(m.Stdout, draw.Commitment(*plan, *participant, secret))
	return nil
}

// readSecret reads the secret of draw commit from standard input.
func (m *Main) readSecret() (string, error) {
	if f, ok := m.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(m.Stderr, "秘密（输入不回显，至少 20 个字符）：")
		s, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(m.Stderr)
		if err != nil {
			return "", fmt.Errorf("读取秘密：%w", err)
		}
		return string(s), nil
	}
	b, err := io.ReadAll(io.LimitReader(m.Stdin, maxSecret+1))
	if err != nil {
		return "", fmt.Errorf("读取秘密：%w", err)
	}
	if len(b) > maxSecret {
		return "", fmt.Errorf("秘密过长（超过 %d 字节）", maxSecret)
	}
	s := string(b)
	if t, ok := strings.CutSuffix(s, "\r\n"); ok {
		return t, nil
	}
	return strings.TrimSuffix(s, "\n"), nil
}
