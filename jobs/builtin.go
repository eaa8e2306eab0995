package jobs

import (
	"context"
	"log/slog"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// The platform's jobs; each is small and calls the store.

// Platform returns the jobs every server of db runs: the statistics and,
// on PostgreSQL, the search index; the deadline alerts; the
// reclassification of the entities' credit classes.
func Platform(db *store.DB, log *slog.Logger) []Job {
	js := []Job{RefreshStats(db), DeadlineAlerts(db.Inspections(), log), Reclassify(db.Risk())}
	if db.Dialect() == "postgres" {
		js = append(js, SearchRebuild(db))
	}
	return js
}

// RefreshStats refreshes the planner's statistics every night at 03:00,
// when the bureaus do not work (store.DB.RefreshStats).
func RefreshStats(db *store.DB) Job {
	return Job{Name: "refresh-stats", Title: "更新数据库查询统计（PostgreSQL 上并重建名称搜索索引）",
		Schedule: spotcheck.JobDailyAt(3, 0),
		Run: func(ctx context.Context) (map[string]int64, error) {
			return nil, db.RefreshStats(ctx)
		}}
}

// SearchRebuild rebuilds PostgreSQL's search index every hour when it is
// stale, that is when entities were added, renamed or moved since its
// last build. A search rebuilds it too, in the background, when it finds
// more than 2,000 such entities (store/search_postgres_build.go); the job
// keeps a database that changes by a few entities a day from matching a
// growing number of them directly.
func SearchRebuild(db *store.DB) Job {
	return Job{Name: "search-rebuild", Title: "重建名称搜索索引（有新增或改名的主体时）",
		Schedule: spotcheck.JobEvery(time.Hour),
		Run: func(ctx context.Context) (map[string]int64, error) {
			stale, err := db.SearchStale(ctx)
			if err != nil || stale == 0 {
				return map[string]int64{"stale": stale, "rebuilt": 0}, err
			}
			if err := db.RebuildSearch(ctx); err != nil {
				return map[string]int64{"stale": stale, "rebuilt": 0}, err
			}
			return map[string]int64{"stale": stale, "rebuilt": 1}, nil
		}}
}

// DeadlineAlerts counts, every morning at 08:30, the approved results
// whose publication is overdue or due within the next working days
// (spotcheck.DueSoonWorkdays), over every department, and logs them: a
// warning when any is overdue. The staff see theirs on /staff/deadlines;
// the log is for the operator's alerting.
func DeadlineAlerts(insp spotcheck.InspectionService, log *slog.Logger) Job {
	return Job{Name: "deadline-alerts", Title: "公示期限提醒（统计逾期和即将到期的检查结果公示）",
		Schedule: spotcheck.JobDailyAt(8, 30),
		Run: func(ctx context.Context) (map[string]int64, error) {
			late, err := insp.FindPublicationsOverdue(ctx, spotcheck.InspectionFilter{})
			if err != nil {
				return nil, err
			}
			soon, err := insp.FindPublicationsDueSoon(ctx, spotcheck.InspectionFilter{}, 0)
			if err != nil {
				return nil, err
			}
			counts := map[string]int64{"overdue": int64(len(late)), "due_soon": int64(len(soon))}
			if len(late) > 0 {
				log.Warn("检查结果公示逾期", "overdue", len(late), "due_soon", len(soon))
			} else {
				log.Info("检查结果公示期限", "overdue", 0, "due_soon", len(soon))
			}
			return counts, nil
		}}
}

// Reclassify reclassifies the entities every night at 02:30 where it is
// due (spotcheck.RiskRunDue: a month since the last run, or a new model
// in force), previewing and applying in one go
// (spotcheck.RiskService.ReclassifyDue); administrators preview and apply
// by hand in between. It counts the runs applied and the entities moved.
func Reclassify(risk spotcheck.RiskService) Job {
	return Job{Name: "reclassify", Title: "信用风险重新分类（每月一次，新模型生效时立即进行）",
		Schedule: spotcheck.JobDailyAt(2, 30),
		Run: func(ctx context.Context) (map[string]int64, error) {
			runs, err := risk.ReclassifyDue(ctx)
			counts := map[string]int64{"runs": int64(len(runs)), "moves": 0}
			for _, r := range runs {
				counts["moves"] += int64(r.Moves)
			}
			return counts, err
		}}
}
