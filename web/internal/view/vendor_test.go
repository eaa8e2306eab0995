package view

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// echartsSHA256 is the digest of the vendored Apache ECharts 6.1.0
// (assets/vendor/README.md says where it comes from).
const echartsSHA256 = "b66b25aeb4df84e33199dc21694014d336d222cbd9deb0e5a7c14bd6aa0d0fd0"

// TestEChartsPinned fails when the vendored ECharts is not the pinned file.
func TestEChartsPinned(t *testing.T) {
	body, err := files.ReadFile("assets/vendor/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	if got := hex.EncodeToString(sum[:]); got != echartsSHA256 {
		t.Fatalf("assets/vendor/echarts.min.js has sha256 %s, want %s (assets/vendor/README.md)", got, echartsSHA256)
	}
	v, err := New(nil, NameSource{})
	if err != nil {
		t.Fatal(err)
	}
	if v.urls["echarts.min.js"] == "" || v.urls["README.md"] != "" || v.urls["LICENSE-echarts"] != "" {
		t.Errorf("served assets: echarts %q, README %q, licence %q", v.urls["echarts.min.js"], v.urls["README.md"], v.urls["LICENSE-echarts"])
	}
}
