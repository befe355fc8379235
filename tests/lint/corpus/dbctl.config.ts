// The lint corpus's project: a small threshold, so a table of 2000 rows is "large" for dbctl's
// large-table rules (tests/lint/corpus.test.ts).
export default {
  lint: { largeTableRows: 1000 },
};
