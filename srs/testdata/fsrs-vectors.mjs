// fsrs-vectors.mjs writes fsrs_vectors.json: FSRS-6 memory states computed
// by the npm package ts-fsrs, which srs/fsrs_test.go checks the Go code
// against. CI does not run this; the JSON it wrote is committed.
//
// To regenerate (Node 18 or later, outside the repository):
//
//	mkdir -p /tmp/fsrs-gen && cd /tmp/fsrs-gen
//	npm init -y && npm install ts-fsrs@5.4.2
//	cp REPO/srs/testdata/fsrs-vectors.mjs . && node fsrs-vectors.mjs > REPO/srs/testdata/fsrs_vectors.json
//
// The output is deterministic: fixed histories plus random ones from a
// seeded generator, so a rerun with the same ts-fsrs gives the same file.
//
// ts-fsrs runs with its defaults (FSRS-6 weights, enable_short_term: true,
// learning steps 1m 10m, relearning step 10m) and no fuzz. A history is a
// list of [SM-2 grade 0-5, study day]; each review is fed to ts-fsrs' next()
// at 12:00 UTC of that day, so ts-fsrs' elapsed days equal the difference of
// study days. Only the memory state (stability, difficulty) is taken from
// its output; its own scheduling state is recorded per review (N new,
// L learning, R review, X relearning) so the Go test can check that every
// path was exercised in every state.
import {
  createEmptyCard,
  default_w,
  forgetting_curve,
  fsrs,
  FSRSVersion,
  roundTo,
  State,
} from "ts-fsrs";

const f = fsrs({ enable_fuzz: false, enable_short_term: true });
const DAY_MS = 24 * 60 * 60 * 1000;
const BASE = Date.UTC(2024, 0, 1, 12, 0, 0); // study day 0 at noon UTC
const RECALL_DAYS = [0, 1, 2, 3, 7, 30, 100, 365, 3650];

// SM-2 grade to FSRS rating: 0,1,2 Again; 3 Hard; 4 Good; 5 Easy.
const rating = (g) => [1, 1, 1, 2, 3, 4][g];
const stateLetter = { [State.New]: "N", [State.Learning]: "L", [State.Review]: "R", [State.Relearning]: "X" };

function run(name, reviews) {
  let card = createEmptyCard(new Date(BASE + reviews[0][1] * DAY_MS));
  const memory = [];
  let states = "";
  for (const [grade, day] of reviews) {
    const now = new Date(BASE + day * DAY_MS);
    states += stateLetter[card.state];
    card = f.next(card, now, rating(grade)).card;
    memory.push([card.stability, card.difficulty]);
  }
  const last = reviews[reviews.length - 1][1];
  const recall = RECALL_DAYS.map((t) => {
    const r = f.get_retrievability(card, new Date(BASE + (last + t) * DAY_MS), false);
    const direct = forgetting_curve(default_w, t, card.stability);
    if (r !== direct) throw new Error(`${name}: get_retrievability ${r} != forgetting_curve ${direct}`);
    return r;
  });
  return { name, reviews, states, memory, recall };
}

// days turns gaps into study days starting at day 0.
function days(grades, gaps) {
  let day = 0;
  return grades.map((g, i) => {
    if (i > 0) day += gaps[i - 1];
    return [g, day];
  });
}

const histories = [];
const add = (name, grades, gaps) => histories.push(run(name, days(grades, gaps)));
const repeat = (n, x) => Array(n).fill(x);

// First review with each grade.
for (let g = 0; g <= 5; g++) add(`first ${g}`, [g], []);

// Same day: every second grade after every first grade, then chains.
for (let a = 0; a <= 5; a++) {
  for (let b = 0; b <= 5; b++) add(`same day ${a} ${b}`, [a, b], [0]);
}
for (let g = 0; g <= 5; g++) add(`same day chain of ${g}`, repeat(8, g), repeat(7, 0));
add("same day mixed", [4, 0, 3, 5, 2, 4, 4, 1, 5], repeat(8, 0));
// Same day while ts-fsrs is in Review and in Relearning.
add("same day in review", [4, 4, 3, 4, 0, 5, 3], [0, 3, 0, 0, 0, 0]);
add("same day in relearning", [5, 5, 1, 1, 4, 0, 3, 5], [3, 10, 0, 0, 0, 0, 0]);

// Stability floor 0.001: repeated same-day failures, then a next-day review.
add("floor by same day failures", repeat(30, 0), repeat(29, 0));
add("floor then recall", [...repeat(25, 1), 4, 5], [...repeat(24, 0), 1, 1]);
add("floor then lapse", [...repeat(25, 2), 0, 0], [...repeat(24, 0), 1, 5]);
add("floor then long gap", [...repeat(20, 0), 3], [...repeat(19, 0), 400]);

// Lapses after t > 0, at several gaps and stabilities.
for (const gap of [1, 2, 5, 20, 90]) {
  for (const fail of [0, 1, 2]) add(`lapse ${fail} after ${gap}`, [4, 4, 4, fail, 4], [1, 3, gap, 1]);
}
add("lapse chain", [5, 0, 0, 0, 0, 0, 0, 0], [2, 2, 2, 2, 2, 2, 2]);
add("lapse from learning", [0, 1], [1]);
add("lapse from relearning", [4, 4, 0, 0], [1, 4, 2]);

// Recall with Hard, Good and Easy at several gaps, in every state.
for (const g of [3, 4, 5]) {
  for (const gap of [1, 3, 7, 30]) add(`recall ${g} after ${gap}`, [4, g, g, g], [gap, gap, gap]);
  add(`recall ${g} from learning`, [0, g], [2]);
  add(`recall ${g} from relearning`, [4, 4, 1, g], [1, 5, 3]);
}

// Long gaps and the 36500-day ceiling.
add("long gaps", [4, 4, 4, 4], [365, 1000, 3650]);
add("very long gap after failure", [0, 5], [10000]);
add("easy to the ceiling", repeat(10, 5), [3, 30, 300, 3000, 20000, 36500, 36500, 36500, 36500]);
add("good at huge gaps", repeat(6, 4), repeat(5, 20000));

// Difficulty: down to the clamp at 1 and up towards its ceiling.
add("difficulty to 1", repeat(12, 5), repeat(11, 1));
add("difficulty climbs", repeat(40, 0), repeat(39, 1));
add("difficulty climbs same day", repeat(40, 1), repeat(39, 0));
add("difficulty down then up", [...repeat(6, 5), ...repeat(10, 0)], repeat(15, 2));

// A realistic review log: SM-2 intervals with re-drills on fail days.
add("sm2-like log", [4, 4, 3, 2, 4, 4, 5, 1, 3, 4, 4, 5], [1, 6, 15, 0, 1, 6, 16, 0, 1, 6, 14]);

// Random histories from a seeded generator (mulberry32).
function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(20240917);
const int = (n) => Math.floor(rnd() * n);
function randomGap() {
  const x = rnd();
  if (x < 0.3) return 0; // same day
  if (x < 0.8) return 1 + int(10);
  if (x < 0.97) return 10 + int(90);
  return 100 + int(2000);
}
for (let i = 0; i < 300; i++) {
  const n = 1 + int(i < 250 ? 15 : 60);
  const grades = Array.from({ length: n }, () => int(6));
  const gaps = Array.from({ length: n - 1 }, randomGap);
  add(`random ${i}`, grades, gaps);
}

// The forgetting curve on a grid, including the stability floor and ceiling.
const curve = [];
for (const s of [0.001, 0.01, 0.212, 1, 2.3065, 8.2956, 17.5, 100, 1234.56789012, 36500]) {
  for (const t of [0, 1, 2, 7, 30, 365, 36500]) curve.push([t, s, forgetting_curve(default_w, t, s)]);
}

// Rounding to 8 decimals: halves, negatives and near-halves.
const rounding = [];
for (const x of [
  0, 1, 0.123456785, 0.123456775, 1.000000005, 2.5e-9, 5e-9, 1.5e-8, 2.5e-8, -2.5e-8, -1.5e-8, -5e-9, -0.123456785,
  -1.000000005, 6.41330000499999, 6.413300005, 12.345678905, -12.345678905, 36499.999999995, 0.49999999999999994e-8,
  1e-12, -1e-12, 3.14159265358979,
]) {
  rounding.push([x, roundTo(x, 8)]);
}

const out = {
  source: `ts-fsrs ${FSRSVersion}, enable_short_term true, enable_fuzz false, default parameters`,
  generator: "srs/testdata/fsrs-vectors.mjs",
  weights: Array.from(f.parameters.w),
  recall_days: RECALL_DAYS,
  histories,
  curve,
  rounding,
};
// One history per line keeps the file diffable.
const lines = [
  "{",
  `"source": ${JSON.stringify(out.source)},`,
  `"generator": ${JSON.stringify(out.generator)},`,
  `"weights": ${JSON.stringify(out.weights)},`,
  `"recall_days": ${JSON.stringify(out.recall_days)},`,
  `"histories": [`,
  histories.map((h) => JSON.stringify(h)).join(",\n"),
  "],",
  `"curve": ${JSON.stringify(curve)},`,
  `"rounding": ${JSON.stringify(rounding)}`,
  "}",
];
process.stdout.write(lines.join("\n") + "\n");
