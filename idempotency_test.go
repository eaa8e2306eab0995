package spotcheck

import (
	"context"
	"testing"
)

func TestValidSubmissionKey(t *testing.T) {
	for _, c := range []struct {
		key  string
		want bool
	}{
		{"0123456789abcdef", true},
		{"0f8e1c2a-9b3d-4e5f-8a7b-6c5d4e3f2a1b", true},
		{"AbC_dEf-0123456789", true},
		{"0123456789abcde", false},                                                   // 15 characters: too easy to guess
		{"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0", false}, // 65
		{"0123456789abcdef 1", false},
		{"0123456789abcdef/1", false},
		{"检查记录草稿检查记录草稿检查记录草稿", false},
		{"", false},
	} {
		if got := ValidSubmissionKey(c.key); got != c.want {
			t.Errorf("ValidSubmissionKey(%q) = %v, want %v", c.key, got, c.want)
		}
	}
}

func TestSubmissionReplay(t *testing.T) {
	rec := SubmissionRecord{Key: "0123456789abcdef", Actor: "member1", Kind: "inspection", Target: "7", Action: InspActSave}
	for _, c := range []struct {
		name                string
		actor, kind, target string
		action              Action
		want                string
	}{
		{"the same submission again is a replay", "member1", "inspection", "7", InspActSave, ""},
		{"another user", "member2", "inspection", "7", InspActSave, ECONFLICT},
		{"another record", "member1", "inspection", "8", InspActSave, ECONFLICT},
		{"another step", "member1", "inspection", "7", InspActSubmit, ECONFLICT},
		{"another kind", "member1", "notice", "7", InspActSave, ECONFLICT},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ErrorCode(rec.Replay(c.actor, c.kind, c.target, c.action)); got != c.want {
				t.Errorf("Replay: %q, want %q", got, c.want)
			}
		})
	}
}

func TestSubmissionInContext(t *testing.T) {
	if _, ok := SubmissionFrom(context.Background()); ok {
		t.Error("a bare context carries a submission")
	}
	if _, ok := SubmissionFrom(WithSubmission(context.Background(), Submission{})); ok {
		t.Error("a submission without a key counts")
	}
	s, ok := SubmissionFrom(WithSubmission(context.Background(), Submission{Key: "0123456789abcdef", From: InspectionDraft}))
	if !ok || s.From != InspectionDraft || s.Validate() != nil {
		t.Errorf("SubmissionFrom: %+v, %v", s, ok)
	}
}
