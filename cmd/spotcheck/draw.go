package main

import "context"

// runDraw is the draw command family of spec/cli.md (replay, verify, export, commit).
func (m *Main) runDraw(ctx context.Context, args []string) error {
	return usagef("draw：尚未实现")
}

// benchDraw measures selection and assignment on a synthetic frame.
func (m *Main) benchDraw(ctx context.Context, args []string) error {
	return usagef("bench draw：尚未实现")
}
