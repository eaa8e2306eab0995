package main

import "context"

// runLog is the log command family of spec/cli.md (log verify).
func (m *Main) runLog(ctx context.Context, args []string) error {
	return usagef("log：尚未实现")
}

// benchLog measures log appends and log verify.
func (m *Main) benchLog(ctx context.Context, args []string) error {
	return usagef("bench log：尚未实现")
}
