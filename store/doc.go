// Package store keeps every record of the platform in SQLite (the default,
// one file, pure Go) or PostgreSQL (to scale out), with the same SQL text for
// both. Each exported method is one use case in one transaction; the rules
// it applies live in the domain package.
//
// # One type per service
//
// Each service interface of the domain (spotcheck's doc.go) has one type
// here, over the shared *DB and returned by a method of DB named for it
// (db.Entities(), db.Draws() …; services.go, which also makes the
// compiler check that each implements its interface). cmd/spotcheck wires them into the web layer and the file
// formats. The files, by service:
//
//	EntityService          entity.go; FindEntities in search.go, over the
//	                       name index of search_postgres*.go or SQLite's FTS5
//	InspectorService       inspector.go
//	AgencyService          agency.go
//	ItemService            item.go
//	ResponsibilityService  responsibility.go
//	DepartmentService      department.go
//	ConflictService        conflict.go
//	RiskEventService       complaint.go, penalty.go (the risk model's
//	                       imported inputs), riskevent.go (their counts)
//	ReferenceService       reference.go
//	ChangeService          change.go, which also holds writeChange, the
//	                       one writer of the change history
//	AccountService         user.go (accounts), session.go (sign-in, the
//	                       login limits), token.go (API tokens), setting.go
//	                       (the security policy)
//	TaskService            task.go (create, read), task_state.go (the
//	                       steps of its state machine, announcements),
//	                       task_handover.go (市抽县查)
//	DrawService            draw.go (planning), draw_run.go (commit, reveal,
//	                       run, embargo), draw_change.go (changes of a
//	                       result), draw_read.go (reads, the bundle),
//	                       draw_publish.go (publication)
//	CalendarService        calendar.go (the working-day calendar's
//	                       overrides), drawwindow.go (the bureaus' fixed
//	                       draw windows)
//	PlanService            plan.go (plans, revisions), plan_check.go (the
//	                       compliance facts, publication), plan_tasks.go
//	VisitService           visit.go (detection, decisions), visit_read.go,
//	                       visit_bench.go (bench merge)
//	CapService             cap.go (the annual cap setting, repeat alerts)
//	InspectionService      inspection.go (creation from a draw, reads, the
//	                       result catalogue), inspection_state.go (the
//	                       steps of its state machine, revisions),
//	                       idempotency.go (the submissions' idempotency
//	                       keys, claimed in the step's transaction)
//	AttachmentService      attachment.go (photos and PDFs stored once by
//	                       SHA-256, the records citing them)
//	SignatureService       signature.go (the representative's signatures of
//	                       inspection records, refusals), visit_record.go
//	                       (the joint visit's 联合总表)
//	FollowUpService        followup.go (made on approval, reads, completion
//	                       rates), followup_state.go (its appended events,
//	                       the task moved to 后续处置 / 办结)
//	RecusalService         recusal.go (the enterprise's recusal requests,
//	                       their review and the replacement they ask for)
//	FeedbackService        feedback.go (ratings, complaints and proposed
//	                       visit times from the notice's page)
//	RulesService           rulesdoc.go (the departments' 一细则, versions
//	                       published with their log entries)
//	PublicationService     publication.go (publish a result or a task's,
//	                       corrections, the credit record enqueued, the
//	                       embargo lifted), publication_read.go (search,
//	                       timeliness)
//	AfterPublicationService appeal.go (objections and credit repairs, filed
//	                       with the token, decided and logged),
//	                       appeal_read.go (the enterprise's page, the lists)
//	RiskService            risk.go (the risk model's versions), risk_run.go
//	                       (reclassification runs: preview), risk_apply.go
//	                       (apply, reads), risk_facts.go (the facts, by
//	                       grouped queries)
//	OutboxService          outbox_admin.go (counts, dead letters, recorded
//	                       retries); outbox.go (enqueued in the caller's
//	                       transaction), outbox_worker.go (the sender's
//	                       leased claims, backoff, dead letters)
//	StatsService           stats.go (the dashboard's scope, coverage),
//	                       stats_results.go (results, hit rates,
//	                       timeliness, workload, repeats, joint visits)
//
// What they share: db.go (Open, the two pools, transactions), dialect.go
// (SQLite and PostgreSQL differences), migrate.go and migrations/,
// record.go (the generic versioned record: load, authorise, save, record
// the change), find.go (lists, filters, paging), import.go (all-or-nothing
// imports in chunks), owner.go (who may write a record), columns.go
// (column adapters), ledger.go (the log of spec §8) and background.go (work
// that belongs to the DB and stops at Close).
//
// # Errors
//
// A service method returns a *spotcheck.Error (and an *ImportError, which
// wraps one) unchanged, so that its code and its Chinese message reach
// the user. Any other error is an internal failure, which the method wraps
// with its operation and key (errors.go: “store: find entity 9135…: sql:
// database is closed”), so that the log says what failed; errors.Is and
// errors.As still see the cause.
package store
