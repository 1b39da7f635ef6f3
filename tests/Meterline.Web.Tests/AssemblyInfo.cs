// Each test class starts its own head-end node, simulated fleet and Chromium; run side by side on two cores (with the
// other test projects running too) their page loads passed Playwright's 30 s bound, so the classes run one at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
