package srs

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

func TestJSRound(t *testing.T) {
	tests := []struct{ x, want float64 }{
		{0.5, 1},
		{1.5, 2},
		{2.5, 3},
		{-0.5, 0}, // halves go towards +∞, not away from zero
		{-1.5, -1},
		{-2.5, -2},
		{-2.6, -3},
		{-2.4, -2},
		{2.4, 2},
		{2.6, 3},
		{0.49999999999999994, 0}, // math.Floor(x+0.5) gives 1
		{-0.49999999999999994, 0},
		{-0.5000000000000001, -1},
		{4503599627370495.5, 4503599627370496}, // 2^52 − 0.5
		{-4503599627370495.5, -4503599627370495},
		{1e300, 1e300},
		{-7, -7},
		{0, 0},
	}
	for _, tt := range tests {
		if got := jsRound(tt.x); got != tt.want {
			t.Errorf("jsRound(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
	// Math.round keeps the sign of zero: −0.4 gives −0.
	if got := jsRound(-0.4); got != 0 || !math.Signbit(got) {
		t.Errorf("jsRound(-0.4) = %v, want -0", got)
	}
	if got := jsRound(math.Inf(-1)); !math.IsInf(got, -1) {
		t.Errorf("jsRound(-Inf) = %v", got)
	}
	if got := jsRound(math.NaN()); !math.IsNaN(got) {
		t.Errorf("jsRound(NaN) = %v", got)
	}
}

// TestRound8MatchesTSFSRS checks round8 against ts-fsrs' roundTo(x, 8) on
// halves, negatives and near-halves, bit for bit.
func TestRound8MatchesTSFSRS(t *testing.T) {
	raw, err := os.ReadFile("testdata/fsrs_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Rounding [][2]float64 `json:"rounding"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Rounding) == 0 {
		t.Fatal("no rounding vectors")
	}
	for _, r := range v.Rounding {
		if got := round8(r[0]); got != r[1] {
			t.Errorf("round8(%v) = %v; ts-fsrs roundTo gives %v", r[0], got, r[1])
		}
	}
}

// TestWeightsMatchVectors guards against a typo in the weights: the
// vectors record the ones ts-fsrs used.
func TestWeightsMatchVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/fsrs_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Weights []float64 `json:"weights"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Weights) != len(fsrsWeights) {
		t.Fatalf("vectors have %d weights, want %d", len(v.Weights), len(fsrsWeights))
	}
	for i, w := range v.Weights {
		if fsrsWeights[i] != w {
			t.Errorf("w%d = %v; ts-fsrs used %v", i, fsrsWeights[i], w)
		}
	}
	// ts-fsrs' computeDecayFactor gives 0.98034649 for these weights.
	if curveFactor != 0.98034649 {
		t.Errorf("curve factor = %v, want 0.98034649", curveFactor)
	}
}
