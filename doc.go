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
// # Services
//
// Each aggregate has one service interface beside its type, which the
// store implements with one type: EntityService (entity.go),
// InspectorService (inspector.go), AgencyService (agency.go), ItemService
// and ResponsibilityService (item.go), DepartmentService (department.go),
// ConflictService (conflict.go), RiskEventService (riskevent.go:
// complaints and penalties), ReferenceService (reference.go),
// ChangeService (service.go), AccountService (account.go), TaskService
// (task.go), DrawService (drawflow.go), CalendarService (calendar.go),
// VisitService (visit.go), CapService (cap.go), PlanService (plan.go),
// InspectionService (inspection.go), AttachmentService (attachment.go),
// SignatureService (signature.go), FollowUpService (followup.go),
// RecusalService (recusal.go), FeedbackService (feedback.go), RulesService
// (rulesdoc.go), PublicationService (publication.go),
// AfterPublicationService (objection.go, repair.go), OutboxService
// (outboxsend.go: the credit push's outbox) and StatsService (stats.go:
// the statistics dashboard).
// Their methods use one verb set:
//
//   - FindXByID, FindXByCode, FindXByUsername — one record by its key
//     (FindX(ctx, part, …) when the key has several parts); ENOTFOUND
//     when there is none, and also when the record is outside the
//     user's scope, so that a page does not tell which keys exist.
//   - FindXs(ctx, XFilter) — one page of a list (List[T]), in the user's
//     scope; FindXs(ctx) when the list is small and whole; FindXs(ctx,
//     key) for the Xs of one record (FindItemVersions, FindDrawChanges,
//     FindAPITokens).
//   - CreateX — a new record that has no optimistic locking; ECONFLICT
//     when its key exists.
//   - UpdateX — change a record that has no version.
//   - SaveX — the upsert of a versioned record: Version 0 creates it
//     (ECONFLICT when the key exists), otherwise Version must be the
//     stored one (ECONFLICT when someone saved in between); the new
//     Version is set on the record. Nothing is deleted: Active = false
//     deactivates.
//   - ImportXs / ExportXs — all-or-nothing imports (Transfers) and
//     streaming exports of an import kind.
//   - a named transition for every other act, the verb of the domain:
//     PlanDraw, CommitDraw, RevealDraw, RunDraw, LiftEmbargo,
//     RecodeEntity, SetPassword, UnlockLogin, RevokeAPIToken,
//     Authenticate … Sessions, which are not records, are created and
//     deleted.
//
// Every method gives EUNAUTHORIZED when ctx carries no principal (the
// sign-in methods excepted) and EFORBIDDEN when the principal lacks the
// permission or the department; EINVALID carries Problems that name each
// field. Each method's comment lists the codes it gives. Any other error
// is an internal failure (EINTERNAL): the store wraps it with the
// operation and the key (“store: find entity 9135…: …”), while an *Error
// passes unchanged, so ErrorCode and errors.As still find it and users
// still read its message.
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
