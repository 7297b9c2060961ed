#pragma once
// Runs the planners on a copy of the scenario in the background and reports the results on the
// GUI thread as they arrive: the heuristics within milliseconds, best and exact (anytime
// searches) when their limits stop them. Three background jobs (backgroundjob.h) do the work:
// the heuristics, best and exact; a newer request supersedes the one in flight without waiting
// for it, and the jobs drop whatever the old one still returns. The GUI thread never blocks on a
// search.

#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/planning/saturation.h"
#include "core/planning/search.h"
#include "widgets/document/backgroundjob.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

namespace coinfer {

/// One planner's outcome.
struct AlgorithmResult {
    Algorithm algorithm = Algorithm::Og;
    std::optional<Plan> plan; ///< empty when the planner refused or has not finished (message says why)
    QString message;
    double elapsedMs = 0;
    /// True while the planner is still running: a placeholder that a later result replaces.
    bool pending = false;
};

/// Wall-clock limits the app gives the searching planners, so that a scenario on which exact
/// would run for hours still gets its plans within seconds.
struct SearchLimits {
    /// Best runs with its deterministic default work budget, as `coinfer plan` does, so the
    /// recommended plan is the CLI's; this is the same safety stop.
    double bestTimeLimitMs = kBestSafetyTimeLimitMs;
    /// Exact is anytime: it stops here with its incumbent and the bound it proved.
    double exactTimeLimitMs = 1500;
};

/// Whether @p algorithm is an anytime search (best, exact) that takes a SearchControl.
bool isSearchingAlgorithm(Algorithm algorithm);

/// Runs one planner as the app does: best and exact under @p control, OG and IP-SSA under its
/// cancel flag only (they keep their plan so far, or say that OG had none), the others as they are.
/// Never throws: a refusal or a failure becomes the result's message.
AlgorithmResult runPlanner(const Scenario& scenario, const CostModel& model, Algorithm algorithm,
                           const SearchControl& control = {});

class PlanRunner : public QObject {
    Q_OBJECT

public:
    explicit PlanRunner(QObject* parent = nullptr);
    /// Cancels the run in flight and waits for its threads (the searches stop within
    /// milliseconds of the cancel; a heuristic on thousands of users finishes its pass first).
    ~PlanRunner() override;

    /// Plans @p scenario in the background and returns at once: the heuristics run on one
    /// thread, best and exact each on their own. A run still in flight is cancelled and its
    /// results are dropped when they arrive. O(M*N) on the calling thread (the copy).
    void start(const Scenario& scenario);
    /// Stops the run in flight: the heuristics not yet run are skipped, best and exact return
    /// the best plan they have; then cancelled() follows.
    void cancel();
    bool isRunning() const { return m_running; }
    /// The latest run's results in allAlgorithms() order, those still running marked pending;
    /// the previous run's until the first result of a new run arrives.
    const std::vector<AlgorithmResult>& results() const { return m_results; }
    /// The scenario that results() were planned for: the document may have changed since (plans
    /// must be drawn and exported with this one, whose users they index).
    const Scenario& resultsScenario() const { return *m_resultsScenario; }
    /// Whether the GPU caps the saving of resultsScenario() (core/planning/saturation.h):
    /// computed beside the heuristics and delivered with them; nullopt until they are in.
    const std::optional<GpuSaturation>& saturation() const { return m_saturation; }
    /// The result of @p algorithm in results(), nullptr when there is none.
    const AlgorithmResult* result(Algorithm algorithm) const;
    const SearchLimits& searchLimits() const { return m_limits; }
    /// Limits for the runs started from now on.
    void setSearchLimits(const SearchLimits& limits) { m_limits = limits; }
    /// Milliseconds since the current run started.
    double runElapsedMs() const { return static_cast<double>(m_clock.nsecsElapsed()) / 1e6; }

signals:
    void started();
    /// Some results of the current run arrived; @p algorithms names them.
    void resultsChanged(const std::vector<Algorithm>& algorithms);
    /// A search of the current run reports its incumbent and bound (about every 50 ms).
    void searchProgress(Algorithm algorithm, const SearchProgress& progress);
    /// Every result of the current run is in.
    void finished();
    /// The current run was cancelled (cancel()); the results it returned are in results().
    void cancelled();

private:
    /// What the heuristics' job hands back: their plans and whether the GPU caps the saving.
    struct HeuristicsOutcome {
        std::vector<AlgorithmResult> results;
        std::optional<GpuSaturation> saturation;
    };
    using SearchJob = Job<AlgorithmResult, SearchProgress>;

    void startHeuristics();
    void startSearch(std::size_t index);
    /// Takes results of the current run (and, from the heuristics, their @p saturation).
    void deliver(std::vector<AlgorithmResult> arrived, std::optional<GpuSaturation> saturation = std::nullopt);

    QThreadPool m_pool; ///< declared before the jobs: destroyed after them, it waits for their work
    Job<HeuristicsOutcome> m_heuristics;
    /// Best and exact, in that order (kSearches).
    std::array<SearchJob, 2> m_searches;
    bool m_resultsCurrent = false; ///< m_results belong to the current run
    std::size_t m_arrived = 0;     ///< results of the current run received so far
    bool m_running = false;
    bool m_stopRequested = false;                      ///< cancel() during the current run
    std::shared_ptr<const Scenario> m_runScenario;     ///< what the current run plans
    std::shared_ptr<const Scenario> m_resultsScenario; ///< what m_results were planned for
    std::vector<AlgorithmResult> m_results;
    std::optional<GpuSaturation> m_saturation; ///< of m_results' scenario
    SearchLimits m_limits;
    QElapsedTimer m_clock;
};

} // namespace coinfer
