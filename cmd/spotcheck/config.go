package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// Configuration (issue 13, item 1). serve takes every setting from, in
// this order, its flags, the environment and a TOML file: a flag given
// on the command line wins, else the variable SPOTCHECK_<NAME> (the
// flag's name in capitals, '-' as '_'), else the file's key of the
// flag's own name, else the flag's default. One name per setting keeps
// the three in step without a table to maintain: a flag added to serve
// is configurable at once. The file is flat — `addr = "0.0.0.0:8080"`,
// no tables — and names no secret: the credit token comes from a file
// (credit-token-file) or the environment, and a database password from
// PGPASSWORD or PGPASSFILE, never from the file or a flag
// (docs/operations.md "Configuration").

// configEnv names the configuration file when --config is not given.
const configEnv = "SPOTCHECK_CONFIG"

// configEntry is one `key = value` of a configuration file.
type configEntry struct {
	key, value string
	line       int
}

// configProblem is what is wrong with one setting: its line in the file
// (0 for the environment or the command line) and its key.
type configProblem struct {
	line     int
	key, msg string
}

func (p configProblem) String() string {
	if p.line == 0 {
		return fmt.Sprintf("%s：%s", p.key, p.msg)
	}
	return fmt.Sprintf("第%d行 %s：%s", p.line, p.key, p.msg)
}

// configError is a configuration's problems, one line each.
type configError []configProblem

func (e configError) Error() string {
	lines := make([]string, len(e))
	for i, p := range e {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// envName is the environment variable of flag name.
func envName(name string) string {
	return "SPOTCHECK_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// readConfig parses a configuration file into its entries; an array of
// strings becomes one comma-separated value, as the flags take lists.
func readConfig(data []byte) ([]configEntry, configError) {
	var p unstable.Parser
	p.Reset(data)
	var out []configEntry
	var bad configError
	seen := map[string]int{}
	inTable := false // the keys under a table are its problem's
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			k := e.Key()
			k.Next()
			line := p.Shape(k.Node().Raw).Start.Line
			bad = append(bad, configProblem{line, string(k.Node().Data), "配置文件不分节：请把键直接写在文件中，键名与 serve 的参数同名"})
			inTable = true
			continue
		case unstable.KeyValue:
			if inTable {
				continue
			}
		default:
			continue
		}
		k := e.Key()
		var parts []string
		line := 0
		for k.Next() {
			parts = append(parts, string(k.Node().Data))
			if line == 0 {
				line = p.Shape(k.Node().Raw).Start.Line
			}
		}
		key := strings.Join(parts, ".")
		if len(parts) > 1 {
			bad = append(bad, configProblem{line, key, "键名不能含“.”：请使用与 serve 参数同名的键"})
			continue
		}
		if first, dup := seen[key]; dup {
			bad = append(bad, configProblem{line, key, fmt.Sprintf("重复设置（第%d行已设置）", first)})
			continue
		}
		seen[key] = line
		v, err := configValue(e.Value())
		if err != nil {
			bad = append(bad, configProblem{line, key, err.Error()})
			continue
		}
		out = append(out, configEntry{key: key, value: v, line: line})
	}
	if err := p.Error(); err != nil {
		var pe *unstable.ParserError
		line := 0
		if errors.As(err, &pe) && pe.Highlight != nil {
			line = p.Shape(p.Range(pe.Highlight)).Start.Line
		}
		bad = append(bad, configProblem{line, "TOML", "格式错误：" + err.Error()})
	}
	return out, bad
}

// configValue is a value as a flag takes it.
func configValue(n *unstable.Node) (string, error) {
	switch n.Kind {
	case unstable.String, unstable.Integer, unstable.Float, unstable.Bool:
		return string(n.Data), nil
	case unstable.Array:
		var items []string
		it := n.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind != unstable.String {
				return "", errors.New("列表中只能是字符串")
			}
			items = append(items, string(c.Data))
		}
		return strings.Join(items, ","), nil
	}
	return "", fmt.Errorf("不支持的值（%s）：请使用字符串、数字、true/false 或字符串列表", n.Kind)
}

// applyConfig sets the flags of fs that the command line did not set:
// from the environment (getenv), else from the file's entries. Keys that
// are no flag of fs, values a flag refuses and a database password in
// the file are problems (the caller then stops: what was set is not used).
func applyConfig(fs *flag.FlagSet, entries []configEntry, getenv func(string) string) configError {
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	var bad configError
	fromFile := map[string]configEntry{}
	for _, e := range entries {
		switch {
		case e.key == "config" || fs.Lookup(e.key) == nil:
			bad = append(bad, configProblem{e.line, e.key, "未知的键（键名与 serve 的参数同名，见 docs/operations.md）"})
		case e.key == "db" && dsnHasPassword(e.value):
			bad = append(bad, configProblem{e.line, e.key, "数据库密码不能写在配置文件中：请使用 PGPASSFILE 或环境变量 PGPASSWORD"})
		default:
			fromFile[e.key] = e
		}
	}
	fs.VisitAll(func(f *flag.Flag) {
		if onCommandLine[f.Name] || f.Name == "config" {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				bad = append(bad, configProblem{0, "环境变量 " + envName(f.Name), flagValueMessage(err)})
			}
			return
		}
		if e, ok := fromFile[f.Name]; ok {
			if err := fs.Set(f.Name, e.value); err != nil {
				bad = append(bad, configProblem{e.line, e.key, flagValueMessage(err)})
			}
		}
	})
	return bad
}

// flagValueMessage says in Chinese what a flag's parser refused.
func flagValueMessage(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "invalid syntax"), strings.Contains(msg, "parse error"):
		return "取值格式不对（数字、true/false 或时长如 40s）"
	case strings.Contains(msg, "time: "):
		return "不是有效的时长（如 40s、2m）"
	}
	return msg
}

// dsnHasPassword reports whether a postgres:// address carries a password.
func dsnHasPassword(dsn string) bool {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return strings.Contains(dsn, "password=")
	}
	_, set := u.User.Password()
	return set || strings.Contains(u.RawQuery, "password=")
}

// loadConfig applies the configuration file (--config, else
// SPOTCHECK_CONFIG; none is fine) and the environment to fs.
func loadConfig(fs *flag.FlagSet, path string, getenv func(string) string) error {
	if path == "" {
		path = getenv(configEnv)
	}
	var entries []configEntry
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return usagef("无法读取配置文件 %s：%v", path, err)
		}
		var bad configError
		if entries, bad = readConfig(data); len(bad) > 0 {
			return usagef("配置文件 %s 有误：\n%s", path, bad.Error())
		}
	}
	if bad := applyConfig(fs, entries, getenv); len(bad) > 0 {
		return usagef("配置有误：\n%s", bad.Error())
	}
	return nil
}

// flagNamed finds the flag a usage message is about: the first --name.
var flagNamed = regexp.MustCompile(`--([a-z0-9-]+)`)

// runConfig is `spotcheck config check FILE`: ok, or one line per problem
// with its line and key on stderr and exit 1. It checks the file alone,
// as serve would read it with no flags and no environment, including
// what serve checks of the values together (a token file that exists, a
// valid endpoint, a certificate with its key).
func (m *Main) runConfig(_ context.Context, args []string) error {
	if len(args) != 2 || args[0] != "check" {
		return usagef("用法：spotcheck config check 文件")
	}
	data, err := os.ReadFile(args[1])
	if err != nil {
		return usagef("无法读取配置文件 %s：%v", args[1], err)
	}
	entries, bad := readConfig(data)
	f := newServeFlags()
	bad = append(bad, applyConfig(f.fs, entries, func(string) string { return "" })...)
	if len(bad) == 0 {
		if _, err := f.options(&Main{}); err != nil {
			bad = configError{problemOf(err, entries)}
		}
	}
	slices.SortStableFunc(bad, func(a, b configProblem) int { return a.line - b.line })
	if len(bad) > 0 {
		for _, p := range bad {
			fmt.Fprintln(m.Stderr, p.String())
		}
		return errReported
	}
	fmt.Fprintln(m.Stdout, "ok")
	return nil
}

// problemOf places a check of serve's values at the line of the key it
// names.
func problemOf(err error, entries []configEntry) configProblem {
	msg := err.Error()
	var ue usageError
	if errors.As(err, &ue) {
		msg = ue.msg
	}
	p := configProblem{msg: msg, key: "serve"}
	if m := flagNamed.FindStringSubmatch(msg); m != nil {
		p.key = m[1]
		for _, e := range entries {
			if e.key == m[1] {
				p.line = e.line
			}
		}
	}
	return p
}
