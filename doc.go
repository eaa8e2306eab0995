// Package spotcheck holds the domain of the “双随机、一公开” platform: the
// directories (两库), the lists (两单), their validation rules, the state
// machines of the workflows, who may do what, and the service interfaces
// that the store implements. It imports only the standard library, so every
// rule here can be table-tested without a database.
//
// # One home for every rule
//
// A rule is a pure function here; the store calls it inside the
// transaction that writes, with the records as it loaded them there, and
// the pages call the same function to decide what to offer. Neither
// writes the rule again.
//
// # Normalize, then Validate
//
// A record that people type (Entity, Inspector, Agency, Item,
// Responsibility, Department, Conflict, User, Task, DrawRequest) has a
// Normalize method that canonicalises it — trims, folds case, turns
// full-width characters and names into codes, fills defaults, derives a
// person's id — and a Validate method that checks the normalized record and
// changes nothing. The store and the importers call Normalize, then
// Validate.
//
// # Deny by default
//
// Every service call carries a principal in its context
// (NewContextWithPrincipal): a signed-in user, the public portal's Public(),
// or a System principal for the command line ("cli:<login>"), the demo
// loader and background jobs ("job:…"). A call without one is refused
// with EUNAUTHORIZED by Authorize, ScopeFilter (which then matches
// nothing), the *Ctx helpers and ActingPrincipal; nothing is ever done by
// “nobody”. The system principal holds every permission over every
// department and is recorded under its own name, which has a colon and so
// is never a user's. Only the sign-in methods (Authenticate, FindSession,
// AuthenticateToken) work without a principal: they are how one is made.
//
// # State machines
//
// A workflow is a Machine: its states in order, their names, and a table
// of Transitions (action, the states it is taken in, the state it leads
// to, the permission it needs). The draw's is DrawMachine (drawstate.go).
// To add a machine — the task's (draft → published → drawn → …) is next:
//
//  1. Name the states as string constants and the actions as Action
//     constants, prefixed by the type (TaskPublish, TaskActPublish …), and
//     give the states their names for pages.
//  2. Write the table: var TaskMachine = Machine{States: …, Names: …,
//     Table: []Transition{{TaskActPublish, []string{TaskDraft},
//     TaskPublished, PermManageDraws}, …}}.
//  3. Give the type Can(action, principal) error — the principal first
//     (nil is EUNAUTHORIZED; a permission the principal lacks, or a
//     record outside their scope, EFORBIDDEN or the type's not-found
//     error), then Machine.Check for the state (ECONFLICT), then any rule
//     on the record's own data — and Next(action) (state, error), which
//     is Machine.Next unless the target depends on the record's data.
//  4. Table-test every state × action × role, as drawstate_test.go does,
//     with the expected answers written out.
//  5. In the store, load the record in the write transaction, call Can,
//     act, and store the state Next returns; in the pages, show a button
//     when Can returns nil.
//
// A rule that decides whether a new record may be made (a task has one
// live draw: Task.CanPlanDraw) lives on the record that owns it.
package spotcheck
