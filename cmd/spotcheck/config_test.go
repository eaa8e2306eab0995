package main

import (
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "spotcheck.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestConfigCheck: `config check` answers ok for a good file and
// otherwise names every problem with its line and key: an unknown key, a
// table, a dotted key, a key set twice, a value its flag refuses, a
// database password, a TOML syntax error, and what serve checks of the
// values together (a lease too short for an endpoint).
func TestConfigCheck(t *testing.T) {
	good := writeConfig(t, `# 福州市文旅局 生产环境
db = "postgres://spotcheck@db1.internal/spotcheck?sslmode=verify-full"
addr = "0.0.0.0:8080"
behind-tls-proxy = true
trusted-proxy = ["10.0.0.0/8", "192.168.1.10"]
credit-endpoint = "https://credit.example.gov.cn/api/results"
credit-lease = "1m"
`)
	if code, out, errs := run(t, "config", "check", good); code != exitOK || out != "ok\n" {
		t.Fatalf("a good file: exit %d, %q %q", code, out, errs)
	}
	for _, c := range []struct {
		name, text string
		want       []string
	}{
		{"keys", `addr = "127.0.0.1:8080"
credit-token = "s3cret"
behind-tls-proxy = "maybe"
addr = "0.0.0.0:1"
credit.endpoint = "https://x.example/"
db = "postgres://spotcheck:pw@db1/spotcheck"
[tls]
cert = "a.pem"
`, []string{"第2行 credit-token：未知的键", "第3行 behind-tls-proxy：取值格式不对", "第4行 addr：重复设置（第1行已设置）",
			"第5行 credit.endpoint：键名不能含“.”", "第6行 db：数据库密码不能写在配置文件中", "第7行 tls：配置文件不分节"}},
		{"syntax", "addr = \"127.0.0.1:8080\n", []string{"第1行 TOML：格式错误"}},
		{"values together", "addr = \"127.0.0.1:8080\"\ncredit-endpoint = \"https://x.example/\"\ncredit-lease = \"1s\"\n",
			[]string{"第3行 credit-lease：--credit-lease 不能短于 2 秒"}},
		{"an endpoint that is no URL", "credit-endpoint = \"ftp://x\"\n", []string{"第1行 credit-endpoint："}},
	} {
		code, out, errs := run(t, "config", "check", writeConfig(t, c.text))
		if code != exitData || out != "" {
			t.Errorf("%s: exit %d, stdout %q", c.name, code, out)
		}
		lines := strings.Split(strings.TrimSpace(errs), "\n")
		if len(lines) != len(c.want) {
			t.Errorf("%s: %d problems, want %d:\n%s", c.name, len(lines), len(c.want), errs)
			continue
		}
		for i, w := range c.want {
			if !strings.HasPrefix(lines[i], w) {
				t.Errorf("%s: line %d is %q, want %q…", c.name, i+1, lines[i], w)
			}
		}
	}
	if code, _, errs := run(t, "config", "check", filepath.Join(t.TempDir(), "none.toml")); code != exitUsage || !strings.Contains(errs, "无法读取配置文件") {
		t.Errorf("a missing file: exit %d, %s", code, errs)
	}
}

// TestConfigPrecedence: a flag on the command line wins over the
// environment, the environment over the file, the file over the default.
func TestConfigPrecedence(t *testing.T) {
	file := writeConfig(t, "addr = \"10.0.0.1:1\"\nlog-key = \"/etc/spotcheck/log.key\"\ntrusted-proxy = \"10.0.0.0/8\"\n")
	env := map[string]string{"SPOTCHECK_ADDR": "10.0.0.2:2", "SPOTCHECK_TRUSTED_PROXY": "10.9.0.0/16"}
	for _, c := range []struct {
		args                 []string
		addr, proxy, key, db string
	}{
		{[]string{"--config", file, "--addr", "10.0.0.3:3"}, "10.0.0.3:3", "10.9.0.0/16", "/etc/spotcheck/log.key", "spotcheck.db"},
		{[]string{"--config", file}, "10.0.0.2:2", "10.9.0.0/16", "/etc/spotcheck/log.key", "spotcheck.db"},
	} {
		f := newServeFlags()
		if _, err := parse(f.fs, c.args); err != nil {
			t.Fatal(err)
		}
		if err := loadConfig(f.fs, *f.config, func(k string) string { return env[k] }); err != nil {
			t.Fatal(err)
		}
		if *f.addr != c.addr || *f.proxy.trusted != c.proxy || *f.logKey != c.key || *f.dsn != c.db {
			t.Errorf("%v: addr %s, proxy %s, key %s, db %s", c.args, *f.addr, *f.proxy.trusted, *f.logKey, *f.dsn)
		}
	}
	// The file named by the environment, and its values under no flag or
	// variable.
	f := newServeFlags()
	if err := loadConfig(f.fs, "", func(k string) string { return map[string]string{configEnv: file}[k] }); err != nil {
		t.Fatal(err)
	}
	if *f.addr != "10.0.0.1:1" || *f.proxy.trusted != "10.0.0.0/8" {
		t.Errorf("the file alone: addr %s, proxy %s", *f.addr, *f.proxy.trusted)
	}
	// A value the environment gives wrongly is named by its variable.
	f = newServeFlags()
	err := loadConfig(f.fs, "", func(k string) string { return map[string]string{"SPOTCHECK_BEHIND_TLS_PROXY": "sometimes"}[k] })
	if err == nil || !strings.Contains(err.Error(), "环境变量 SPOTCHECK_BEHIND_TLS_PROXY") {
		t.Errorf("a bad variable: %v", err)
	}
}

// TestServeConfigFile: serve runs with what its configuration file says
// (here behind a TLS proxy, so it sends HSTS), and refuses to start,
// naming the line, with a bad file.
func TestServeConfigFile(t *testing.T) {
	dir := t.TempDir()
	file := writeConfig(t, "db = \""+filepath.ToSlash(filepath.Join(dir, "s.db"))+"\"\naddr = \"127.0.0.1:0\"\nbehind-tls-proxy = true\n")
	addr := startServe(t, "serve", "--config", file)
	if hsts := getHealth(t, http.DefaultClient, "http://"+addr); !strings.HasPrefix(hsts, "max-age=") {
		t.Errorf("behind-tls-proxy from the file: Strict-Transport-Security %q", hsts)
	}
	bad := writeConfig(t, "addr = \"127.0.0.1:0\"\nlisten = \"0.0.0.0:80\"\n")
	if code, _, errs := run(t, "serve", "--config", bad); code != exitUsage || !strings.Contains(errs, "第2行 listen：未知的键") {
		t.Errorf("serve with a bad file: exit %d, %s", code, errs)
	}
}

// TestConfigKeysDocumented: every flag of serve, which is a key of the
// configuration file, has its row in docs/operations.md.
func TestConfigKeysDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	newServeFlags().fs.VisitAll(func(f *flag.Flag) {
		if !strings.Contains(string(doc), "`"+f.Name+"`") || !strings.Contains(string(doc), envName(f.Name)) {
			t.Errorf("docs/operations.md does not document the key %s (%s)", f.Name, envName(f.Name))
		}
	})
}
