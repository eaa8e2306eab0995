package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"spotcheck"
)

// `spotcheck template|import|export complaints|penalties` on SQLite: a
// good file imports, a file with a bad credit code is refused with the row
// and changes nothing, an export re-imports unchanged.
func TestRiskEventCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	other, err := spotcheck.USCCCheckChar("91350102MA0000010")
	if err != nil {
		t.Fatal(err)
	}
	second := "91350102MA0000010" + string(other)
	files := map[string]string{
		"departments.csv": "部门代码,部门名称,上级部门代码,区划代码,部门类型\n" +
			"FZWL,福州市文化和旅游局,,350100,文旅部门\nGLWL,鼓楼区文化和旅游局,FZWL,350102,文旅部门\n",
		"entities.csv": "统一社会信用代码,名称,类型,区划代码,地址,经营状态,信用风险分类\n" +
			"91350100M000100Y43,福州某旅行社（示例）,T01,350102,福州市鼓楼区,在营,B\n" +
			second + ",福州某网吧（示例）,T06,350102,福州市鼓楼区,在营,B\n",
		"complaints.csv": "投诉编号,受理部门,统一社会信用代码,受理日期,受理渠道,投诉内容,办理结果\n" +
			"TS-1,GLWL,91350100M000100Y43,2026-05-01,12345,强迫购物,属实\n" +
			"TS-2,GLWL," + second + ",2026-06-01,网络,接纳未成年人,不属实\n",
		"bad-complaints.csv": "投诉编号,受理部门,统一社会信用代码,受理日期,受理渠道,投诉内容,办理结果\n" +
			"TS-3,GLWL,91350100M000100Y44,2026-05-01,12345,强迫购物,属实\n" +
			"TS-4,GLWL,91350100M000100Y43,2026-05-02,来信,虚假宣传,部分属实\n",
		"penalties.csv": "决定书文号,处罚机关,统一社会信用代码,决定日期,违法事实,处罚依据,处罚种类,罚没金额\n" +
			"鼓文体罚〔2026〕1号,GLWL,91350100M000100Y43,2026-07-01,未签订旅游合同,《旅行社条例》第五十五条,警告、罚款,5000\n",
	}
	for name, s := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, kind := range []string{"departments", "entities"} {
		if code, _, errs := run(t, "import", kind, filepath.Join(dir, kind+".csv"), "--db", db); code != 0 {
			t.Fatalf("%s: %s", kind, errs)
		}
	}
	for _, kind := range []string{"complaints", "penalties"} {
		out := filepath.Join(dir, kind+"-template.xlsx")
		if code, _, errs := run(t, "template", kind, "--out", out); code != 0 || !strings.Contains(errs, "导入模板") {
			t.Fatalf("template %s: %d %s", kind, code, errs)
		}
	}
	if code, out, errs := run(t, "import", "complaints", filepath.Join(dir, "complaints.csv"), "--db", db); code != 0 ||
		out != "导入完成：新增 2 条，更新 0 条\n" {
		t.Fatalf("complaints: %d %q %s", code, out, errs)
	}
	code, out, errs := run(t, "import", "complaints", filepath.Join(dir, "bad-complaints.csv"), "--db", db)
	if code != 1 || out != "" || !strings.Contains(errs, "第2行 统一社会信用代码：校验位错误") ||
		!strings.Contains(errs, "未写入任何数据") {
		t.Fatalf("bad complaints: exit %d, stdout %q, stderr %s", code, out, errs)
	}
	if code, out, errs := run(t, "import", "penalties", filepath.Join(dir, "penalties.csv"), "--db", db); code != 0 ||
		out != "导入完成：新增 1 条，更新 0 条\n" {
		t.Fatalf("penalties: %d %q %s", code, out, errs)
	}
	for kind, want := range map[string]int{"complaints": 2, "penalties": 1} {
		export := filepath.Join(dir, kind+"-export.xlsx")
		if code, _, errs := run(t, "export", kind, "--db", db, "--out", export); code != 0 {
			t.Fatalf("export %s: %s", kind, errs)
		} else if !strings.Contains(errs, "已导出") || !strings.Contains(errs, " "+string(rune('0'+want))+" 条") {
			t.Errorf("export %s: %s", kind, errs)
		}
		// The refused file's good row (TS-4) was not written.
		code, out, errs := run(t, "import", kind, export, "--db", db)
		if code != 0 || out != "导入完成：新增 0 条，更新 0 条\n" || !strings.Contains(errs, "未改动") {
			t.Fatalf("re-import %s: %d %q %s", kind, code, out, errs)
		}
	}
}
