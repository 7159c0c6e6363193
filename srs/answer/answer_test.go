package answer

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/flashcards/flashcards/srs"
)

// covered reports whether answer covers a key point with the given text and
// card synonyms.
func covered(answer, text string, synonyms ...string) bool {
	cov := Check(answer, []KeyPoint{{Text: text, Synonyms: synonyms}})
	return len(cov.Covered) == 1
}

// The pairs the issue names, and the dictionary's everyday work.
func TestCheckAnswerSynonyms(t *testing.T) {
	tests := []struct{ keyPoint, answer string }{
		{"ROC-AUC", "I would report the area under the ROC curve."},
		{"ROC-AUC", "AUC"},
		{"ROC-AUC", "auroc of 0.91"},
		{"ROC-AUC", "AUC-ROC"},
		{"ROC-AUC", "the area under the curve"},
		{"area under the ROC curve", "ROC-AUC"},
		{"AUC", "roc auc"},
		{"F1", "the F1 score balances both"},
		{"F1", "F-measure"},
		{"F1", "f measure"},
		{"F1", "F-score"},
		{"F-measure", "F1"},
		{"precision", "positive predictive value"},
		{"recall", "sensitivity, also called the true positive rate"},
		{"PR-AUC", "average precision"},
		{"PR-AUC", "area under the precision-recall curve"},
		{"business impact", "what is the ROI of this model"},
		{"business impact", "tie it to business metrics"},
		{"business metrics", "the impact on the business"},
		{"missing values", "handle nulls first"},
		{"missing values", "impute with the median"},
		{"missing data", "imputation"},
		{"outliers", "look for anomalies"},
		{"feature engineering", "engineer features from timestamps"},
		{"data validation", "data quality checks before training"},
		{"data leakage", "watch for target leakage"},
		{"data leakage", "leakage"},
		{"monitoring", "set up alerting and drift detection"},
		{"model drift", "concept drift"}, // narrower term
		{"model drift", "data drift"},
		{"deployment", "put it into production"},
		{"deployment", "model serving"},
		{"latency", "response time matters"},
		{"scalability", "it has to work at scale"},
		{"trade-offs", "the pros and cons"},
		{"bias-variance trade-off", "bias vs variance"},
		{"overfitting", "the model memorizes the training data"},
		{"underfitting", "high bias"},
		{"regularization", "add an L2 penalty"}, // narrower: L2 counts for regularization
		{"regularization", "dropout"},
		{"L2", "weight decay"},
		{"cross-validation", "5-fold"},
		{"cross-validation", "k fold"},
		{"baseline", "start from a simple model"},
		{"assumptions", "I'd assume the labels are reliable"},
		{"constraints", "limitations"},
		{"clarifying questions", "first I'd clarify the goal"},
		{"stakeholders", "explain it to non-technical people"},
		{"A/B test", "run an AB test"},
		{"A/B test", "a/b testing"},
		{"A/B testing", "online experiment"},
		{"interpretability", "SHAP values"},
		{"interpretability", "explainability"},
		{"class imbalance", "the data is imbalanced"},
		{"class imbalance", "skewed classes"},
		{"edge cases", "corner cases"},
		{"time complexity", "Big O"},
		{"time/space complexity", "complexity analysis"},
		{"unit tests", "write tests with pytest"},
		{"define the problem", "problem statement"},
		{"solution steps", "a step-by-step plan"},
		{"real-world considerations", "production concerns"},
		{"domain knowledge", "talk to subject-matter experts"},
		{"evaluation metrics", "precision"},
		{"hands-on experience", "practical experience"},
		{"simplicity first", "Occam's razor"},
		{"example", "for instance"},
	}
	for _, tt := range tests {
		if !covered(tt.answer, tt.keyPoint) {
			t.Errorf("%q does not cover %q", tt.answer, tt.keyPoint)
		}
	}
}

func TestCheckAnswerCardSynonyms(t *testing.T) {
	if !covered("it is a rote exercise", "memorization", "rote exercise") {
		t.Error("the card's own synonym does not count")
	}
	if covered("it is a rote exercise", "memorization") {
		t.Error("a synonym from another card counts")
	}
	// Card synonyms are matched as forgivingly as the text.
	if !covered("Gradient-Clippings help", "stability", "gradient clipping") {
		t.Error("card synonym not folded")
	}
}

func TestCheckAnswerFolding(t *testing.T) {
	tests := []struct {
		name, keyPoint, answer string
	}{
		{"plural", "outliers", "remove the outlier"},
		{"plural", "outlier", "remove outliers"},
		{"plural", "missing values", "a missing value"},
		{"plural ies", "strategy", "two strategies"},
		{"plural sses", "process", "the processes"},
		{"plural ches", "approach", "other approaches"},
		{"plural irregular", "analysis", "several analyses"},
		{"plural irregular", "bias", "their biases"},
		{"plural irregular", "criterion", "the criteria"},
		{"singular ss", "class", "minority classes"},
		{"singular us", "status", "statuses"},
		{"ing", "overfitting", "the model overfits"},
		{"ing", "overfit", "it is overfitting"},
		{"ed", "monitoring", "we monitored it"},
		{"ing and e", "tune hyperparameters", "tuning the hyperparameters"},
		{"ing and e", "scale", "scaling"},
		{"ed and e", "use", "used"},
		{"ied", "apply", "applied"},
		{"ing keeps ss", "missing", "missed"},
		{"possessive", "model", "the model's output"},
		{"British ise", "regularization", "regularisation"},
		{"British ise", "normalize", "normalise the inputs"},
		{"British ise ed", "standardized", "standardised"},
		{"British our", "behavior", "user behaviour"},
		{"British yse", "analyze", "analyse"},
		{"British ll", "modeling", "modelling"},
		{"British ll", "labeled data", "labelled data"},
		{"versus", "speed vs accuracy", "speed versus accuracy"},
	}
	for _, tt := range tests {
		if !covered(tt.answer, tt.keyPoint) {
			t.Errorf("%s: %q does not cover %q", tt.name, tt.answer, tt.keyPoint)
		}
	}
}

func TestCheckAnswerCaseAndPunctuation(t *testing.T) {
	tests := []struct{ keyPoint, answer string }{
		{"ROC-AUC", "roc auc"},
		{"ROC-AUC", "ROC/AUC"},
		{"ROC-AUC", "ROC_AUC!"},
		{"roc auc", "ROC-AUC"},
		{"trade-offs", "TRADE OFFS"},
		{"trade-offs", "tradeoffs"},
		{"trade-offs", "a trade-off"},
		{"tradeoffs", "trade offs"},
		{"real-time", "realtime"},
		{"realtime", "real-time"},
		{"F1", "(f1)"},
		{"F1", "F-1"},
		{"data leakage", "Data-Leakage."},
		{"overfitting", "over fitting"},
		{"dataset", "data set"},
		{"preprocessing", "pre-processing"},
		{"gradient clipping", "GRADIENT CLIPPING"},
		{"don't", "dont"},
		{"don’t", "don't"},
		{"donʼt", "dont"},
		{"'quoted' words", "quoted words"},
		{"0.5 is chance", "AUC 0.5 is chance"},
		{"naïve Bayes", "NAÏVE bayes"},
	}
	for _, tt := range tests {
		if !covered(tt.answer, tt.keyPoint) {
			t.Errorf("%q does not cover %q", tt.answer, tt.keyPoint)
		}
	}
}

func TestCheckAnswerTypos(t *testing.T) {
	tests := []struct {
		keyPoint, answer string
		want             bool
	}{
		{"precision", "precison", true},  // 9 letters, one deletion
		{"precision", "presicion", true}, // 9 letters, two edits
		{"precision", "prceision", true}, // swap counts as one edit
		{"recall", "recal", true},        // 5 letters, one edit
		{"recall", "recsll", true},       // 6 letters, one edit
		{"recall", "rceall", true},       // swap
		{"leakage", "leakge", true},      // 6/7 letters, one edit
		{"regularization", "regularizaton", true},
		{"imputation", "imputaiton", true},
		{"stakeholders", "stakehloders", true},
		{"monitoring", "monitering", true},
		{"latency", "latnecy", true},
		{"recall", "recoil", false},      // two edits at 6 letters
		{"latency", "lateness", false},   // two edits at 7
		{"data", "date", false},          // four letters: exact only
		{"bias", "bins", false},          // four letters: exact only
		{"F1", "F2", false},              // digits: exact
		{"L1", "L2", false},              // digits: exact
		{"precision", "decision", false}, // first letter differs
		{"imputation", "computation", false},
		{"clarifying questions", "classification questions", false}, // known word
		{"data validation", "data variation", false},                // known word
		{"variance", "variant", false},                              // known word
		{"model drift", "model draft", false},                       // known word
		{"simple model", "sample model", false},                     // known word
	}
	for _, tt := range tests {
		if got := covered(tt.answer, tt.keyPoint); got != tt.want {
			t.Errorf("%q covers %q: %v, want %v", tt.answer, tt.keyPoint, got, tt.want)
		}
	}
}

func TestCheckAnswerPhrases(t *testing.T) {
	tests := []struct {
		keyPoint, answer string
		want             bool
	}{
		{"gradient clipping", "use gradient clipping", true},
		{"gradient clipping", "gradients clipped", true},
		{"gradient clipping", "gradient and clipping", true},   // one small word between
		{"gradient clipping", "gradient norm clipping", false}, // not a small word
		{"gradient clipping", "gradient the of clipping", false},
		{"gradient clipping", "clipping gradients", false}, // order matters
		{"gradient clipping", "gradient. Clipping", true},  // sentences are not boundaries
		{"area under the lift curve", "area under lift curve", true},
		{"area under lift curve", "area under the lift curve", true},
		{"area under the lift curve", "area under a lift curve", true},
		{"area under the lift curve", "area under curve", false},
		{"when to use it", "when to use it", true},
		{"when to use it", "when use", true},
		{"in practice", "in practice", true},
		{"in practice", "practice more", false}, // one-word phrases keep their small words
		{"at scale", "feature scaling", false},
		{"the", "the", true},
		{"the", "then", false},
		{"a b c d e", "a b c d e", true},
		{"!!!", "!!!", false},
		{"ʼ", "ʼ", false},
		{"''", "''", false},
		{"", "", false},
		{"data", "", false},
	}
	for _, tt := range tests {
		if got := covered(tt.answer, tt.keyPoint); got != tt.want {
			t.Errorf("%q covers %q: %v, want %v", tt.answer, tt.keyPoint, got, tt.want)
		}
	}
}

// Answers that must not cover the key point: concepts that share words or
// letters, and the decided edge cases of the issue.
func TestCheckAnswerMustNotMatch(t *testing.T) {
	tests := []struct{ keyPoint, answer string }{
		{"precision", "accuracy"},
		{"precision", "recall"},
		{"precision", "the model is very precise"},        // the adjective is not the metric
		{"precision", "we report mean average precision"}, // AP is a ranking metric
		{"accuracy", "precision"},
		{"accuracy", "the model is accurate"},
		{"accuracy", "balanced accuracy"},
		{"recall", "precision"},
		{"recall", "specificity"},
		{"sensitivity", "specificity"},
		{"F1", "F2 score"},
		{"F1", "F-beta"},
		{"L1", "L2"},
		{"L2", "l1 penalty"},
		{"L1", "ridge"},
		{"data leakage", "data"},
		{"data leakage", "a memory leak"},
		{"overfitting", "underfitting"},
		{"underfitting", "overfitting"},
		{"overfitting", "under-fitting"},
		{"underfitting", "the model overfits"},
		{"ROC-AUC", "PR-AUC"},
		{"ROC-AUC", "AUC-PR"},
		{"ROC-AUC", "precision-recall AUC"},
		{"ROC-AUC", "area under the precision-recall curve"},
		{"ROC-AUC", "area under the PR curve"},
		{"PR-AUC", "AUC"},
		{"PR-AUC", "ROC-AUC"},
		{"AUC", "the PR-AUC is low"},
		{"concept drift", "data drift"},
		{"data drift", "concept drift"},
		{"monitoring", "data drift"},
		{"monitoring", "deployment"},
		{"deployment", "monitoring"},
		{"scalability", "feature scaling"},
		{"deployment", "this serves as a baseline"},
		{"deployment", "shipping costs"},
		{"model", "modal"},
		{"feature scaling", "batch normalization"},
		{"false positives", "type II error"},
		{"false negatives", "type I error"},
		{"time complexity", "space complexity"},
		{"data validation", "validation set"},
		{"data validation", "cross-validation"},
		{"cross-validation", "validation"},
		{"business impact", "business"},
		{"missing values", "values"},
		{"class imbalance", "class"},
	}
	for _, tt := range tests {
		if covered(tt.answer, tt.keyPoint) {
			t.Errorf("%q covers %q", tt.answer, tt.keyPoint)
		}
	}
	// Matching is lexical: a negated or unrelated use still counts. The
	// grade is only a suggestion the user confirms.
	for _, tt := range []struct{ keyPoint, answer string }{
		{"monitoring", "you can ship it without monitoring"},
		{"regularization", "the L1 norm of a vector"},
		{"overfitting", "this is not overfitting"},
	} {
		if !covered(tt.answer, tt.keyPoint) {
			t.Errorf("%q does not cover %q (matching is lexical)", tt.answer, tt.keyPoint)
		}
	}
	// A mention outside the exclusion still counts.
	if !covered("PR-AUC is low but AUC is fine", "ROC-AUC") {
		t.Error("AUC after PR-AUC does not cover ROC-AUC")
	}
	if !covered("precision and average precision", "precision") {
		t.Error("precision before average precision does not count")
	}
}

func TestCheckAnswerOrderAndEmptySlices(t *testing.T) {
	points := []KeyPoint{{Text: "recall"}, {Text: "precision"}, {Text: "F1"}, {Text: "recall"}, {Text: "latency"}}
	got := Check("Latency first, then F1 and recall.", points)
	if want := []string{"recall", "F1", "recall", "latency"}; !slices.Equal(got.Covered, want) {
		t.Errorf("Covered = %q, want %q", got.Covered, want)
	}
	if want := []string{"precision"}; !slices.Equal(got.Missed, want) {
		t.Errorf("Missed = %q, want %q", got.Missed, want)
	}
	for _, tt := range []struct {
		answer string
		points []KeyPoint
	}{
		{"anything", nil},
		{"", []KeyPoint{{Text: "recall"}}},
		{"recall", []KeyPoint{{Text: "recall"}}},
	} {
		cov := Check(tt.answer, tt.points)
		if cov.Covered == nil || cov.Missed == nil {
			t.Errorf("Check(%q, %v) = %#v: want empty slices, not nil", tt.answer, tt.points, cov)
		}
	}
}

// Other key points on the card never change whether one is covered: not by
// making a word known (so not a typo), nor by making two words worth joining.
func TestCheckAnswerJudgesEachPointAlone(t *testing.T) {
	tests := []struct {
		answer       string
		point, other KeyPoint
	}{
		{"recal", KeyPoint{Text: "recall"}, KeyPoint{Text: "recal"}},
		{"aaaaa", KeyPoint{Text: "AAAAAA"}, KeyPoint{Text: "AAAAA"}},
		{"organi sation", KeyPoint{Text: "organization"}, KeyPoint{Text: "organisation"}},
		{"trade offs", KeyPoint{Text: "tradeof"}, KeyPoint{Text: "tradeoffs"}},
	}
	for _, tt := range tests {
		alone := covered(tt.answer, tt.point.Text, tt.point.Synonyms...)
		both := Check(tt.answer, []KeyPoint{tt.other, tt.point})
		if together := slices.Contains(both.Covered, tt.point.Text); together != alone {
			t.Errorf("%q covers %q: %v alone, %v beside %q", tt.answer, tt.point.Text, alone, together, tt.other.Text)
		}
	}
}

// Many goroutines share the dictionary; run with -race.
func TestCheckAnswerConcurrent(t *testing.T) {
	points := []KeyPoint{{Text: "ROC-AUC"}, {Text: "missing values"}, {Text: "trade-offs"}}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				cov := Check("AUC, nulls and tradeoffs", points)
				if len(cov.Covered) != 3 {
					t.Errorf("covered %q", cov.Covered)
					return
				}
				_ = Synonyms("ROC-AUC")
			}
		})
	}
	wg.Wait()
}

func TestSuggestGradeTable(t *testing.T) {
	tests := []struct {
		covered, total int
		want           srs.Grade
		ok             bool
	}{
		{0, 0, 0, false},
		{3, 0, 0, false},
		{0, -1, 0, false},
		{0, 1, 0, true},
		{1, 1, 5, true},
		{1, 2, 3, true},
		{1, 3, 2, true},
		{2, 3, 3, true},
		{1, 4, 2, true},
		{2, 4, 3, true},
		{3, 4, 4, true},
		{1, 5, 1, true},
		{4, 5, 4, true},
		{7, 10, 3, true},
		{8, 10, 4, true},
		{9, 10, 4, true},
		{-2, 4, 0, true}, // clamped
		{9, 4, 5, true},  // clamped
		{1 << 62, 1 << 62, 5, true},
		{1<<62 - 1, 1 << 62, 4, true},
		{1 << 61, 1 << 62, 3, true},
		{1 << 60, 1 << 62, 2, true},
		{1, 1 << 62, 1, true},
	}
	for _, tt := range tests {
		g, ok := SuggestGrade(tt.covered, tt.total)
		if g != tt.want || ok != tt.ok {
			t.Errorf("SuggestGrade(%d, %d) = %d, %v; want %d, %v", tt.covered, tt.total, g, ok, tt.want, tt.ok)
		}
	}
}

// Every total from 1 to 10 and every count: the documented table, in exact
// fractions, and never a lower grade for more key points covered.
func TestSuggestGradeExhaustive(t *testing.T) {
	for total := 1; total <= 10; total++ {
		prev := srs.Grade(-1)
		for c := 0; c <= total; c++ {
			var want srs.Grade
			switch {
			case c == total:
				want = 5
			case 4*c >= 3*total:
				want = 4
			case 2*c >= total:
				want = 3
			case 4*c >= total:
				want = 2
			case c > 0:
				want = 1
			}
			g, ok := SuggestGrade(c, total)
			if !ok || g != want {
				t.Errorf("SuggestGrade(%d, %d) = %d, %v; want %d", c, total, g, ok, want)
			}
			if g < prev {
				t.Errorf("SuggestGrade(%d, %d) = %d is below %d for one fewer", c, total, g, prev)
			}
			if !g.Valid() {
				t.Errorf("SuggestGrade(%d, %d) = %d is not a grade", c, total, g)
			}
			if g.Passed() != (2*c >= total) {
				t.Errorf("SuggestGrade(%d, %d) = %d: passes %v, want a pass from half", c, total, g, g.Passed())
			}
			prev = g
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"outliers", "outlier"},
		{"values", "valu"},
		{"value", "valu"},
		{"strategies", "strategy"},
		{"processes", "process"},
		{"classes", "class"},
		{"loss", "loss"},
		{"status", "status"},
		{"analysis", "analysis"},
		{"analyses", "analysis"},
		{"caches", "cach"},
		{"cache", "cach"},
		{"overfitting", "overfit"},
		{"overfits", "overfit"},
		{"monitored", "monitor"},
		{"deploying", "deploy"},
		{"tuning", "tune"},
		{"tuned", "tune"},
		{"tune", "tune"},
		{"hoping", "hope"},
		{"hopping", "hop"},
		{"using", "use"},
		{"uses", "use"},
		{"use", "use"},
		{"missing", "miss"},
		{"calling", "call"},
		{"added", "add"},
		{"fixed", "fix"},
		{"speed", "speed"},
		{"string", "string"},
		{"embedding", "embed"},
		{"embeds", "embed"},
		{"regularisation", "regularization"},
		{"normalise", "normaliz"},
		{"normalized", "normaliz"},
		{"behaviours", "behavior"},
		{"analysing", "analyz"},
		{"noise", "nois"},
		{"hour", "hour"},
		{"f1", "f1"},
		{"l2s", "l2s"},
		{"is", "is"},
		{"versus", "vs"},
	}
	for _, tt := range tests {
		if got := fold(tt.in); got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWithinEdits(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  bool
	}{
		{"recall", "recall", 0, true},
		{"recall", "recal", 1, true},
		{"recall", "rceall", 1, true}, // swap
		{"recall", "recoil", 1, false},
		{"recall", "recoil", 2, true},
		{"ca", "abc", 2, false}, // OSA distance 3
		{"", "ab", 2, true},
		{"precision", "presicion", 2, true},
		{"überfitting", "uberfitting", 1, true},
		{strings.Repeat("a", 40), strings.Repeat("a", 39) + "b", 1, true},
	}
	for _, tt := range tests {
		if got := withinEdits(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("withinEdits(%q, %q, %d) = %v, want %v", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

func TestSynonyms(t *testing.T) {
	tests := []struct {
		keyPoint string
		want     []string // must be among the result
		not      []string // must not be
	}{
		{"ROC-AUC", []string{"AUC", "area under the ROC curve"}, []string{"ROC-AUC", "PR-AUC"}},
		{"roc auc", []string{"AUC"}, []string{"ROC-AUC"}},
		{"Area under the ROC curve", []string{"ROC-AUC", "AUC"}, []string{"area under the ROC curve"}},
		{"F1", []string{"F1 score", "F-measure"}, []string{"F1", "F2"}},
		{"regularization", []string{"L1", "L2", "dropout"}, nil},
		{"L1", []string{"lasso"}, []string{"L2", "ridge", "regularization"}},
		{"precision", []string{"positive predictive value"}, []string{"accuracy", "recall"}},
		{"overfitting", []string{"high variance"}, []string{"underfitting"}},
		{"Trade-Offs", []string{"pros and cons"}, nil},
	}
	for _, tt := range tests {
		got := Synonyms(tt.keyPoint)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("Synonyms(%q) = %q, missing %q", tt.keyPoint, got, w)
			}
		}
		for _, w := range tt.not {
			if slices.Contains(got, w) {
				t.Errorf("Synonyms(%q) = %q, should not hold %q", tt.keyPoint, got, w)
			}
		}
	}
	if got := Synonyms("handling missing values"); got == nil || len(got) != 0 {
		t.Errorf("Synonyms of a phrase not in the dictionary = %#v, want empty", got)
	}
	a := Synonyms("ROC-AUC")
	a[0] = "changed"
	if b := Synonyms("ROC-AUC"); b[0] == "changed" {
		t.Error("Synonyms returns shared storage")
	}
}

// The deck's key points that are ML or interview vocabulary, as opposed to
// one card's wording ("share found", "interviewer can check"), are in the
// dictionary.
func TestDictionaryCoversDeckKeyPoints(t *testing.T) {
	deck := []string{
		"memorized definitions", "understanding", "depth", "practical reasoning", "project experience",
		"own words", "when to use it", "example", "clarifying questions", "goal", "data", "constraints",
		"maturity", "break down the problem", "assumptions", "wrong problem", "use case", "deployment",
		"data challenges", "monitoring", "real-world thinking", "practical application", "single metric",
		"class imbalance", "precision", "recall", "F1", "ROC-AUC", "business impact", "predicted positives",
		"true positives", "actual positives", "harmonic mean", "ranking", "all thresholds", "0.5 is chance",
		"business outcome", "revenue", "cost", "risk", "missing values", "outliers", "feature engineering",
		"data validation", "hands-on experience", "data first", "thought process", "clear explanation",
		"trust", "stakeholders", "product teams", "engineers", "speed vs accuracy",
		"complexity vs interpretability", "real-time vs batch", "shallow understanding", "gains and costs",
		"justify the choice", "every decision has a cost", "deliberate choice", "libraries",
		"implementation logic", "readable code", "library use", "data preprocessing", "error handling",
		"improvement", "maintaining models", "retraining", "baseline", "check assumptions",
		"add complexity gradually", "overfitting", "baseline comparison", "simplicity first",
		"define the problem", "solution steps", "trade-offs", "real-world considerations", "reasoning",
		"discipline", "clarity", "success measure", "latency", "evaluation metrics", "business needs", "context",
	}
	for _, kp := range deck {
		if len(Synonyms(kp)) == 0 {
			t.Errorf("deck key point %q has no dictionary entry", kp)
		}
	}
}

// Each phrase names one concept, so a key point finds one group.
func TestDictionaryPhrasesAreUnique(t *testing.T) {
	seen := make(map[string]string)
	for _, g := range builtinSynonyms {
		for _, text := range g.Phrases {
			p := compilePhrase(text)
			if p.key == "" {
				t.Errorf("phrase %q has no words", text)
				continue
			}
			if prev, dup := seen[p.key]; dup {
				t.Errorf("phrase %q reads the same as %q (%q)", text, prev, p.key)
			}
			seen[p.key] = text
		}
	}
}

// Every phrase, narrower term and exclusion is a real phrase; every phrase
// covers its own key point and each other's; no exclusion swallows one of
// its own group's phrases; no narrower term repeats its group.
func TestDictionaryEntriesMatchThemselves(t *testing.T) {
	for _, g := range builtinSynonyms {
		head := g.Phrases[0]
		for _, text := range g.Phrases {
			if !covered(text, text) {
				t.Errorf("%q does not cover itself", text)
			}
			if !covered(text, head) || !covered(head, text) {
				t.Errorf("%q and %q do not cover each other", text, head)
			}
		}
		for _, text := range g.Narrower {
			if compilePhrase(text).key == "" {
				t.Errorf("narrower term %q has no words", text)
			}
			if !covered(text, head) {
				t.Errorf("narrower %q does not cover %q", text, head)
			}
			for _, p := range g.Phrases {
				if compilePhrase(p).key == compilePhrase(text).key {
					t.Errorf("narrower %q repeats phrase %q", text, p)
				}
			}
		}
		for _, text := range g.Unless {
			if compilePhrase(text).key == "" {
				t.Errorf("exclusion %q has no words", text)
			}
		}
	}
}

func TestStopWordsInPhrases(t *testing.T) {
	tests := []struct {
		text, key string
	}{
		{"area under the ROC curve", "area under roc curv"},
		{"the ROC curve", "roc curv"},
		{"in practice", "in practic"},
		{"at scale", "at scal"},
		{"A/B test", "b test"},
		{"when to use it", "when use"},
		{"the", "the"},
		{"Occam's razor", "occam razor"},
	}
	for _, tt := range tests {
		if got := compilePhrase(tt.text).key; got != tt.key {
			t.Errorf("compilePhrase(%q).key = %q, want %q", tt.text, got, tt.key)
		}
	}
}
