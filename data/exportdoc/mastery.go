package exportdoc

// MasteryRow is one category of the mastery table as /api/v1/mastery
// and exports show it.
type MasteryRow struct {
	Slug         string   `json:"slug"`
	Name         string   `json:"name"`
	Cards        int      `json:"cards"`
	New          int      `json:"new"`
	Learning     int      `json:"learning"`
	Young        int      `json:"young"`
	Mature       int      `json:"mature"`
	Mastery      float64  `json:"mastery"`
	Recall30     *float64 `json:"recall_30d"`
	Lapses       int      `json:"lapses"`
	AvgEase      *float64 `json:"avg_ease"`
	LastReviewed *string  `json:"last_reviewed"`
	MostMissed   []string `json:"most_missed"`
	// Started: any card reviewed; RecallNow: their mean predicted recall
	// today, 0..100, null when none; AtRisk: how many are below 80 %.
	Started   bool     `json:"started"`
	RecallNow *float64 `json:"recall_now"`
	AtRisk    int      `json:"at_risk"`
}

// MasteryTable is the mastery report in its JSON form.
type MasteryTable struct {
	Categories []MasteryRow `json:"categories"`
	Weakest    *string      `json:"weakest"`
	// NotStarted lists the slugs of the categories with cards none of
	// which was reviewed yet: never the weakest, whatever their mastery.
	NotStarted []string `json:"not_started"`
}
