package xlsx

import (
	"bytes"
	"encoding/json"

	"io"
	"strconv"
	"time"

	"spotcheck"
)

// The outbox's records for a bureau that uploads them to the credit
// platform by hand (/staff/outbox, issue 12, item 5): one row per record,
// its state and receipt, then one column per top-level key of the
// records' JSON bodies (the credit record's fields, in the order they
// first appear), so that the sheet reads as the platform's form does, and
// the body itself last, as sent.

// outboxRow is one record's cells by header.
type outboxRow map[string]string

// The fixed columns, before the body's keys.
var outboxFixed = []Column{
	{Header: "序号", Width: 8}, {Header: "幂等键", Width: 34, Text: true}, {Header: "类型", Width: 8},
	{Header: "编号", Width: 16, Text: true}, {Header: "版本", Width: 6}, {Header: "状态", Width: 8},
	{Header: "尝试次数", Width: 8}, {Header: "最后错误", Width: 30}, {Header: "回执", Width: 24},
	{Header: "生成时间", Width: 20}, {Header: "送达时间", Width: 20},
}

// outboxBodyHeader is the last column: the JSON body as sent.
const outboxBodyHeader = "记录内容（JSON）"

// OutboxStateName is the state's Chinese name.
func OutboxStateName(state string) string {
	switch state {
	case spotcheck.OutboxPending:
		return "待发送"
	case spotcheck.OutboxDelivered:
		return "已送达"
	case spotcheck.OutboxDead:
		return "已放弃"
	}
	return state
}

// WriteOutbox writes the records to out in format.
func WriteOutbox(out io.Writer, format Format, records []spotcheck.OutboxEntry, loc *time.Location) error {
	var keys []string
	seen := map[string]bool{}
	rows := make([]outboxRow, len(records))
	for i := range records {
		e := &records[i]
		at := func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(loc).Format("2006-01-02 15:04:05")
		}
		row := outboxRow{"序号": strconv.FormatInt(e.ID, 10), "幂等键": e.IdempotencyKey(), "类型": e.Kind,
			"编号": e.Key, "版本": strconv.Itoa(e.Version), "状态": OutboxStateName(e.State),
			"尝试次数": strconv.Itoa(e.Attempts), "最后错误": e.LastError, "回执": e.Receipt,
			"生成时间": at(e.CreatedAt), "送达时间": at(e.SentAt), outboxBodyHeader: string(e.Payload)}
		for _, kv := range topLevel(e.Payload) {
			if !seen[kv[0]] && !isFixed(kv[0]) {
				seen[kv[0]] = true
				keys = append(keys, kv[0])
			}
			if !isFixed(kv[0]) {
				row[kv[0]] = kv[1]
			}
		}
		rows[i] = row
	}
	cols := append([]Column(nil), outboxFixed...)
	for _, k := range keys {
		cols = append(cols, Column{Header: k, Width: 18})
	}
	cols = append(cols, Column{Header: outboxBodyHeader, Width: 60})
	fields := make([]field[outboxRow], len(cols))
	for i, col := range cols {
		h := col.Header
		col.Key = h
		fields[i] = field[outboxRow]{col: col, get: func(r *outboxRow) string { return (*r)[h] },
			set: func(*outboxRow, string) string { return "" }, copy: func(_, _ *outboxRow) {}}
	}
	w, err := NewWriter(out, format, newCodec("信用平台推送记录", func() outboxRow { return outboxRow{} }, fields...))
	if err != nil {
		return err
	}
	for i := range rows {
		if err := w.Write(&rows[i]); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

func isFixed(h string) bool {
	for _, c := range outboxFixed {
		if c.Header == h {
			return true
		}
	}
	return h == outboxBodyHeader
}

// topLevel returns the keys of a JSON object in their order with their
// values as cells: strings as they are, other values as JSON. A body
// that is not an object has none.
func topLevel(body []byte) [][2]string {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var out [][2]string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return out
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return out
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			s = string(v)
			if s == "null" {
				s = ""
			}
		}
		out = append(out, [2]string{k, s})
	}
	return out
}
