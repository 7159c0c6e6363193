package answer

import "sync"

// Synonyms returns the built-in dictionary's other phrasings of a key point
// (matched on the normalized phrase), for display and for Check.
//
// The lookup folds keyPoint the way Check reads words, so "ROC-AUC",
// "roc auc" and "ROC AUC" find the same entry; a key point that only
// contains a dictionary phrase ("handling missing values") finds nothing.
// The result lists the entry's other phrases, then the narrower terms that
// also count for it (L1 and dropout for regularization). It is never nil,
// and the caller may keep and change it.
func Synonyms(keyPoint string) []string {
	p := compilePhrase(keyPoint)
	out := []string{}
	if g := builtinDictionary().group(p.key); g != nil {
		for _, e := range g.entries {
			if e.phrase.key != p.key {
				out = append(out, e.text)
			}
		}
	}
	return out
}

// synonymGroup is one concept of the built-in dictionary.
type synonymGroup struct {
	// Phrases all name the concept: any of them covers a key point that is
	// any other.
	Phrases []string
	// Narrower are more specific terms that cover a key point in Phrases,
	// but not the other way round: naming L2 shows regularization; naming
	// regularization does not show L2.
	Narrower []string
	// Unless are phrases inside which a match does not count: "AUC" inside
	// "PR-AUC" is not ROC-AUC.
	Unless []string
}

// builtinSynonyms is ML interview vocabulary, and the key points of the
// built-in deck data/deck/ml-interview-mistakes.json. Each phrase belongs
// to one group (TestDictionaryPhrasesAreUnique). Lexically close concepts
// are kept apart on purpose: precision, recall and accuracy; overfitting
// and underfitting; L1 and L2; ROC-AUC and PR-AUC; data, concept and label
// drift. Single words that mean other things in ordinary prose ("serve",
// "scale", "test", "experiment", "metrics") are left out or qualified.
var builtinSynonyms = []synonymGroup{
	// Classification metrics.
	{Phrases: []string{"precision", "positive predictive value", "PPV"},
		Unless: []string{"average precision"}},
	{Phrases: []string{"recall", "sensitivity", "true positive rate", "TPR", "hit rate", "detection rate"}},
	{Phrases: []string{"specificity", "true negative rate", "TNR", "selectivity"}},
	{Phrases: []string{"F1", "F1 score", "F-measure", "F-score", "F1 measure", "harmonic mean of precision and recall"}},
	{Phrases: []string{"ROC-AUC", "AUC", "AUROC", "AUC-ROC", "area under the ROC curve",
		"area under the curve", "area under the receiver operating characteristic curve"},
		Unless: []string{"PR-AUC", "AUC-PR", "precision-recall AUC", "AUC of the precision-recall curve", "AUC of the PR curve"}},
	{Phrases: []string{"PR-AUC", "AUC-PR", "AUPRC", "area under the precision-recall curve",
		"area under the PR curve", "precision-recall AUC", "average precision"}},
	{Phrases: []string{"ROC curve", "receiver operating characteristic"}},
	{Phrases: []string{"precision-recall curve", "PR curve"}},
	{Phrases: []string{"precision-recall trade-off", "precision vs recall", "precision-recall tradeoff"}},
	{Phrases: []string{"accuracy", "classification accuracy", "share of correct predictions",
		"fraction of correct predictions", "proportion of correct predictions",
		"percentage of correct predictions", "percent correct"},
		Unless: []string{"balanced accuracy"}},
	{Phrases: []string{"balanced accuracy", "average per-class recall", "macro-averaged recall"}},
	{Phrases: []string{"confusion matrix", "error matrix"}},
	{Phrases: []string{"true positives", "TP", "correct positives", "correctly predicted positives"}},
	{Phrases: []string{"false positives", "FP", "false alarms", "type I error", "type 1 error"}},
	{Phrases: []string{"false negatives", "FN", "missed positives", "missed detections", "type II error", "type 2 error"}},
	{Phrases: []string{"true negatives", "TN", "correct negatives"}},
	{Phrases: []string{"predicted positives", "positive predictions", "flagged as positive"}},
	{Phrases: []string{"actual positives", "real positives", "truly positive", "positive cases", "ground-truth positives"}},
	{Phrases: []string{"harmonic mean", "harmonic average"}},
	{Phrases: []string{"decision threshold", "threshold", "classification threshold", "cutoff", "cut-off",
		"operating point", "probability threshold"}},
	{Phrases: []string{"all thresholds", "every threshold", "any threshold", "across thresholds",
		"threshold-independent", "independent of the threshold"}},
	{Phrases: []string{"0.5 is chance", "0.5 means random", "chance level", "random guessing", "coin flip",
		"no better than random", "random classifier"}},
	{Phrases: []string{"ranking", "ranking quality", "ranks positives above negatives", "separates the classes"}},
	{Phrases: []string{"single metric", "one metric", "single number", "one number"}},
	{Phrases: []string{"log loss", "logistic loss", "cross-entropy", "cross-entropy loss",
		"binary cross-entropy", "negative log-likelihood"}},
	{Phrases: []string{"calibration", "probability calibration", "calibrated probabilities",
		"well-calibrated", "reliability diagram"}},

	// Regression metrics.
	{Phrases: []string{"mean squared error", "MSE"}},
	{Phrases: []string{"root mean squared error", "RMSE"}},
	{Phrases: []string{"mean absolute error", "MAE"}},
	{Phrases: []string{"R-squared", "R2", "coefficient of determination"}},

	// Choosing and reading metrics.
	{Phrases: []string{"evaluation metrics", "performance metrics", "model metrics", "offline metrics",
		"how to evaluate", "evaluation criteria", "evaluate the model", "model evaluation"},
		Narrower: []string{"precision", "recall", "F1", "accuracy", "ROC-AUC", "PR-AUC", "log loss",
			"RMSE", "MAE", "mean squared error"}},
	{Phrases: []string{"success measure", "success metric", "success criteria", "how success is measured",
		"definition of success", "what success looks like", "measure of success"}},

	// Business.
	{Phrases: []string{"business impact", "business value", "business metrics", "business outcome",
		"impact on the business", "business KPIs", "KPIs", "key performance indicators", "ROI",
		"return on investment", "bottom line"}},
	{Phrases: []string{"business needs", "business goals", "business requirements", "business objectives",
		"business context", "what the business needs", "business problem"}},
	{Phrases: []string{"revenue", "sales", "income"}},
	{Phrases: []string{"cost", "expense", "spend"}},
	{Phrases: []string{"risk", "downside", "potential losses"}},
	{Phrases: []string{"stakeholders", "business partners", "non-technical people", "non-technical audience",
		"decision makers", "business owners", "business users"}},
	{Phrases: []string{"stakeholder communication", "communicate with stakeholders", "stakeholder management",
		"stakeholder updates", "keep stakeholders informed"}},
	{Phrases: []string{"communication", "communicate", "explain the results", "present the results", "storytelling"}},
	{Phrases: []string{"product teams", "product managers", "PMs", "product owners"}},
	{Phrases: []string{"engineers", "engineering team", "developers", "software engineers"}},
	{Phrases: []string{"domain knowledge", "domain expertise", "subject-matter expertise", "subject-matter experts",
		"domain experts", "industry knowledge", "SMEs", "business domain"}},
	{Phrases: []string{"trust", "credibility", "trustworthiness"}},

	// Data.
	{Phrases: []string{"data", "dataset", "data set", "training data", "available data"}},
	{Phrases: []string{"missing values", "missing data", "nulls", "null values", "NaN", "NA values",
		"imputation", "impute", "incomplete data", "empty values"}},
	{Phrases: []string{"outliers", "anomalies", "anomalous", "extreme values", "unusual values"}},
	{Phrases: []string{"data quality", "data issues", "data problems", "data challenges", "messy data",
		"dirty data", "noisy data", "bad data", "quality of the data"}},
	{Phrases: []string{"data validation", "validate the data", "data quality checks", "data checks",
		"validation checks", "schema checks", "schema validation", "sanity checks", "data tests",
		"check data quality"}},
	{Phrases: []string{"data preprocessing", "preprocessing", "preprocess the data", "data preparation",
		"data prep", "data cleaning", "clean the data", "data wrangling", "data munging"}},
	{Phrases: []string{"data leakage", "leakage", "target leakage", "label leakage", "information leakage",
		"data leak", "leaking the target", "train-test contamination", "look-ahead bias", "future information"}},
	{Phrases: []string{"data first", "look at the data first", "start with the data", "explore the data",
		"exploratory data analysis", "EDA", "data before models"}},
	{Phrases: []string{"train-test split", "split the data", "data split"}},
	{Phrases: []string{"test set", "holdout set", "hold-out set", "held-out data", "held-out test set"}},
	{Phrases: []string{"validation set", "dev set", "development set", "validation data"}},
	{Phrases: []string{"time-based split", "temporal split", "time series split", "split by time",
		"walk-forward validation", "out-of-time validation", "backtesting"}},

	// Features.
	{Phrases: []string{"feature engineering", "engineer features", "feature creation", "create features",
		"build features", "derived features", "feature extraction", "feature transformation"}},
	{Phrases: []string{"feature selection", "select features", "drop irrelevant features", "remove redundant features"}},
	{Phrases: []string{"feature scaling", "normalization", "standardization", "scale the features",
		"normalize the features", "standardize the features", "min-max scaling", "z-score normalization"},
		Unless: []string{"batch normalization", "layer normalization"}},
	{Phrases: []string{"categorical encoding", "encode categorical features", "encode categorical variables"},
		Narrower: []string{"one-hot encoding", "target encoding", "label encoding", "ordinal encoding"}},
	{Phrases: []string{"one-hot encoding", "one-hot", "dummy variables"}},
	{Phrases: []string{"dimensionality reduction", "reduce dimensionality", "reduce the number of features"},
		Narrower: []string{"PCA", "principal component analysis", "t-SNE", "UMAP", "autoencoder"}},
	{Phrases: []string{"embeddings", "vector representations", "dense representations"}},

	// Class imbalance.
	{Phrases: []string{"class imbalance", "imbalanced", "imbalanced data", "imbalanced classes",
		"imbalanced dataset", "unbalanced classes", "unbalanced data", "skewed classes", "rare class",
		"minority class"}},
	{Phrases: []string{"handle class imbalance", "rebalance the classes", "rebalancing"},
		Narrower: []string{"resampling", "oversampling", "undersampling", "SMOTE", "class weights",
			"weighted loss", "focal loss"}},
	{Phrases: []string{"oversampling", "over-sampling", "upsampling", "up-sampling"},
		Narrower: []string{"SMOTE", "ADASYN"}},
	{Phrases: []string{"undersampling", "under-sampling", "downsampling", "down-sampling"}},
	{Phrases: []string{"class weights", "weighted loss", "cost-sensitive learning", "sample weights"}},

	// Fitting and generalizing.
	{Phrases: []string{"overfitting", "over-fitting", "high variance", "memorizes the training data",
		"fails to generalize", "does not generalize", "doesn't generalize", "poor generalization",
		"generalization gap", "train-test gap"}},
	{Phrases: []string{"underfitting", "under-fitting", "high bias", "model is too simple",
		"fails to capture the pattern"}},
	{Phrases: []string{"bias-variance trade-off", "bias-variance tradeoff", "bias-variance", "bias vs variance"}},
	{Phrases: []string{"regularization", "regularize", "penalty term", "weight penalty", "shrinkage",
		"penalize complexity"},
		Narrower: []string{"L1", "L2", "lasso", "ridge", "elastic net", "weight decay", "dropout", "early stopping"}},
	{Phrases: []string{"L1", "L1 regularization", "lasso", "L1 penalty", "L1 norm"}},
	{Phrases: []string{"L2", "L2 regularization", "ridge", "ridge regression", "L2 penalty", "weight decay", "L2 norm"}},
	{Phrases: []string{"early stopping", "stop training early"}},
	{Phrases: []string{"cross-validation", "cross-validate", "k-fold", "k-fold cross-validation", "5-fold", "10-fold"},
		Narrower: []string{"leave-one-out", "LOOCV", "stratified k-fold", "nested cross-validation"}},
	{Phrases: []string{"hyperparameter tuning", "hyperparameter optimization", "hyperparameter search",
		"tune hyperparameters", "hyper-parameter tuning"},
		Narrower: []string{"grid search", "random search", "Bayesian optimization"}},
	{Phrases: []string{"loss function", "objective function", "cost function"}},
	{Phrases: []string{"gradient descent", "SGD", "stochastic gradient descent"}},
	{Phrases: []string{"learning rate", "step size"}},
	{Phrases: []string{"ensemble", "model ensemble", "combine models"},
		Narrower: []string{"bagging", "boosting", "stacking", "random forest", "gradient boosting"}},
	{Phrases: []string{"curse of dimensionality", "high-dimensional data"}},

	// Baselines and simplicity.
	{Phrases: []string{"baseline", "baseline model", "simple model", "naive baseline", "dummy model",
		"heuristic baseline", "majority-class baseline"}},
	{Phrases: []string{"baseline comparison", "compare to a baseline", "compare against a baseline",
		"beat the baseline", "benchmark", "benchmark against"}},
	{Phrases: []string{"simplicity first", "start simple", "keep it simple", "Occam's razor", "simplest model",
		"start with a simple model", "simple first"}},
	{Phrases: []string{"add complexity gradually", "iterate", "incremental", "incrementally", "gradually improve",
		"iterative improvement", "add complexity only when needed"}},
	{Phrases: []string{"improvement", "improve", "iteration", "iterative refinement", "continuous improvement"}},

	// Production.
	{Phrases: []string{"deployment", "deploy", "production", "in production", "put into production",
		"productionize", "model serving", "serve the model", "serve predictions", "ship the model",
		"ship to production", "go live", "rollout", "roll out"}},
	{Phrases: []string{"monitoring", "model monitoring", "observability", "alerting", "dashboards",
		"track performance", "performance tracking", "tracking drift", "drift detection", "detect drift"}},
	{Phrases: []string{"model drift", "drift", "model decay", "model degradation", "performance degradation",
		"performance decay", "model staleness", "stale model"},
		Narrower: []string{"data drift", "concept drift", "label drift", "covariate shift", "distribution shift"}},
	{Phrases: []string{"data drift", "covariate shift", "feature drift", "distribution shift", "input drift",
		"dataset shift", "shift in the input distribution"}},
	{Phrases: []string{"concept drift", "concept shift"}},
	{Phrases: []string{"label drift", "label shift", "prior shift", "prior probability shift", "target drift"}},
	{Phrases: []string{"training-serving skew", "online-offline skew", "train/serve mismatch"}},
	{Phrases: []string{"retraining", "model updates", "continuous training", "refresh the model", "update the model"}},
	{Phrases: []string{"maintaining models", "model maintenance", "maintenance", "keeping models running", "upkeep"}},
	{Phrases: []string{"latency", "response time", "inference time", "inference speed", "prediction time",
		"prediction speed"}},
	{Phrases: []string{"throughput", "requests per second", "QPS", "queries per second", "RPS"}},
	{Phrases: []string{"scalability", "scalable", "at scale", "scale up", "scale out", "horizontal scaling",
		"handle more traffic", "handle growth", "large scale", "millions of users"}},
	{Phrases: []string{"real-time vs batch", "online vs offline", "streaming vs batch"}},
	{Phrases: []string{"real-time inference", "online inference", "online prediction", "real-time predictions"}},
	{Phrases: []string{"batch inference", "batch prediction", "batch scoring", "offline scoring"}},
	{Phrases: []string{"A/B test", "AB test", "split test", "online experiment", "controlled experiment",
		"randomized experiment", "randomized controlled trial"}},

	// Trade-offs.
	{Phrases: []string{"trade-offs", "tradeoffs", "pros and cons", "advantages and disadvantages",
		"costs and benefits", "cost-benefit analysis", "gains and costs", "weigh the options"}},
	{Phrases: []string{"speed vs accuracy", "latency vs accuracy", "fast vs accurate", "speed-accuracy trade-off"}},
	{Phrases: []string{"complexity vs interpretability", "complex vs interpretable"}},
	{Phrases: []string{"every decision has a cost", "everything has a cost", "no free lunch", "nothing is free"}},
	{Phrases: []string{"interpretability", "explainability", "interpretable", "explainable", "explain predictions",
		"model explanations", "transparency", "XAI"},
		Narrower: []string{"SHAP", "LIME", "feature importance", "partial dependence", "permutation importance"}},

	// Framing the problem.
	{Phrases: []string{"clarifying questions", "clarify", "clarification", "ask questions", "ask for details",
		"follow-up questions", "ask the interviewer"}},
	{Phrases: []string{"define the problem", "problem definition", "frame the problem", "problem framing",
		"problem statement", "formulate the problem", "problem formulation", "restate the problem"}},
	{Phrases: []string{"break down the problem", "break the problem down", "decompose the problem",
		"problem decomposition", "divide and conquer", "sub-problems", "subproblems", "split it into parts"}},
	{Phrases: []string{"wrong problem", "wrong question", "misunderstand the problem", "misread the problem"}},
	{Phrases: []string{"goal", "objective", "purpose", "aim"}},
	{Phrases: []string{"use case", "intended use", "what it is for", "application area"}},
	{Phrases: []string{"context", "problem context", "domain context"}},
	{Phrases: []string{"assumptions", "assume", "state assumptions", "surface assumptions", "explicit assumptions"}},
	{Phrases: []string{"check assumptions", "validate assumptions", "test assumptions", "verify assumptions",
		"sanity-check assumptions"}},
	{Phrases: []string{"constraints", "limitations", "restrictions", "requirements"}},
	{Phrases: []string{"solution steps", "step-by-step plan", "step by step", "outline the approach",
		"solution outline", "high-level plan", "plan of attack", "walk through the steps"}},
	{Phrases: []string{"real-world considerations", "real-world concerns", "practical concerns",
		"practical considerations", "production concerns", "production considerations", "operational concerns",
		"real-world constraints"}},
	{Phrases: []string{"real-world thinking", "real world", "production mindset", "practical mindset"}},
	{Phrases: []string{"practical application", "practical use", "applied in practice", "in practice",
		"real-world application", "how it is used"}},

	// Coding.
	{Phrases: []string{"time complexity", "Big O", "big-O notation", "runtime complexity", "running time",
		"computational complexity", "asymptotic complexity"}},
	{Phrases: []string{"space complexity", "memory complexity", "memory usage", "memory footprint",
		"extra space", "auxiliary space"}},
	{Phrases: []string{"time and space complexity", "complexity analysis", "big-O analysis", "algorithmic complexity"}},
	{Phrases: []string{"unit tests", "automated tests", "test cases", "pytest", "unittest", "write tests", "test coverage"}},
	{Phrases: []string{"edge cases", "corner cases", "boundary conditions", "boundary cases", "empty input", "unusual inputs"}},
	{Phrases: []string{"error handling", "handle errors", "exception handling", "handle exceptions"}},
	{Phrases: []string{"readable code", "clean code", "readability", "code quality", "well-structured code", "tidy code"}},
	{Phrases: []string{"libraries", "frameworks", "packages"},
		Narrower: []string{"scikit-learn", "sklearn", "PyTorch", "TensorFlow", "XGBoost", "pandas", "NumPy"}},
	{Phrases: []string{"library use", "use of libraries"}},
	{Phrases: []string{"implementation logic", "how it works", "under the hood", "underlying logic",
		"implementation details", "implement from scratch"}},

	// How an answer comes across (the deck's interview-skill key points).
	{Phrases: []string{"memorized definitions", "reciting definitions", "textbook definitions", "rote learning",
		"rote memorization"}},
	{Phrases: []string{"understanding", "conceptual understanding", "understand the concepts",
		"understand the ideas", "intuition", "grasp of the concepts"}},
	{Phrases: []string{"depth", "deep understanding", "in-depth knowledge", "go deep", "deep dive"}},
	{Phrases: []string{"shallow understanding", "superficial understanding", "superficial", "lack of depth",
		"surface-level"}},
	{Phrases: []string{"practical reasoning", "practical thinking", "problem solving", "applied reasoning"}},
	{Phrases: []string{"project experience", "real projects", "past projects", "hands-on projects", "project work",
		"previous projects"}},
	{Phrases: []string{"hands-on experience", "practical experience", "real-world experience", "hands-on work"}},
	{Phrases: []string{"own words", "paraphrase", "explain it simply", "plain language", "plain English", "simple terms"}},
	{Phrases: []string{"when to use it", "when you would use it", "when it applies", "when it is appropriate"}},
	{Phrases: []string{"example", "for instance", "e.g.", "concrete example"}},
	{Phrases: []string{"maturity", "mature", "seniority", "professional maturity", "experience level"}},
	{Phrases: []string{"thought process", "thinking out loud", "think aloud", "walk through my reasoning", "how you think"}},
	{Phrases: []string{"reasoning", "rationale", "line of reasoning"}},
	{Phrases: []string{"justify the choice", "justify", "justification", "explain why", "reason for the choice",
		"justify decisions"}},
	{Phrases: []string{"deliberate choice", "conscious choice", "intentional", "deliberately", "on purpose"}},
	{Phrases: []string{"clear explanation", "explain clearly", "clear communication", "clarity", "easy to follow",
		"structured explanation"}},
	{Phrases: []string{"discipline", "rigor", "systematic", "methodical", "structured approach"}},
}

// knownWords are correctly spelled words near a dictionary word. Like every
// word of the dictionary, they are taken as written and never as a typo:
// "classification" is not "clarification" with two edits.
var knownWords = []string{
	"classification", "computation", "correction", "correlation", "decision", "prediction",
	"progression", "projection", "protection", "reduction", "regression", "relation",
	"specification", "valuation", "variation", "variant", "celebration", "interoperability",
	"shareholder", "restrain", "content", "contest", "concert", "charity", "draft",
	"sample", "modal", "trail", "trait", "latent",
}

// dictionary is builtinSynonyms, folded once and indexed by phrase key.
type dictionary struct {
	groups []dictGroup
	byKey  map[string]int
	// known holds every stem in the dictionary, and knownWords.
	known map[string]bool
	// continuations maps every proper prefix of a dictionary stem to the
	// bytes that follow it in some stem, for joining answer words.
	continuations map[string]byteSet
}

type dictGroup struct {
	entries []dictEntry // Phrases, then Narrower
	unless  []*phrase
}

type dictEntry struct {
	text   string
	phrase *phrase
}

func (d *dictionary) group(key string) *dictGroup {
	if i, ok := d.byKey[key]; ok {
		return &d.groups[i]
	}
	return nil
}

// builtinDictionary is built on first use and never changes after.
var builtinDictionary = sync.OnceValue(func() *dictionary {
	return newDictionary(builtinSynonyms)
})

func newDictionary(groups []synonymGroup) *dictionary {
	d := &dictionary{byKey: make(map[string]int), known: make(map[string]bool)}
	note := func(p *phrase) *phrase {
		for _, w := range p.words {
			d.known[w.stem] = true
		}
		return p
	}
	for i, g := range groups {
		var dg dictGroup
		for _, text := range g.Phrases {
			p := note(compilePhrase(text))
			dg.entries = append(dg.entries, dictEntry{text: text, phrase: p})
			if _, dup := d.byKey[p.key]; !dup && p.key != "" {
				d.byKey[p.key] = i
			}
		}
		for _, text := range g.Narrower {
			dg.entries = append(dg.entries, dictEntry{text: text, phrase: note(compilePhrase(text))})
		}
		for _, text := range g.Unless {
			dg.unless = append(dg.unless, note(compilePhrase(text)))
		}
		d.groups = append(d.groups, dg)
	}
	d.continuations = make(map[string]byteSet)
	for s := range d.known {
		for i := 1; i < len(s); i++ {
			next := d.continuations[s[:i]]
			next.add(s[i])
			d.continuations[s[:i]] = next
		}
	}
	for _, w := range knownWords {
		d.known[fold(w)] = true
	}
	return d
}
