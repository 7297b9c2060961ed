#pragma once
// Runs the planners on a copy of the scenario in the background (QtConcurrent) and reports the
// results on the GUI thread. A newer request cancels the one in flight.

#include "core/plan.h"
#include "core/planner.h"
#include "core/scenario.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

namespace coinfer {

/// One planner's outcome.
struct AlgorithmResult {
    Algorithm algorithm = Algorithm::Og;
    std::optional<Plan> plan;   ///< empty when the planner refused (message says why)
    QString message;
    double elapsedMs = 0;
};

/// Runs every planner of SPEC section 2 (exact only when the scenario is small enough) and
/// returns the results in allAlgorithms() order. Stops early when @p cancelled becomes true.
std::vector<AlgorithmResult> runAllPlanners(const Scenario& scenario, const std::atomic<bool>* cancelled = nullptr);

class PlanRunner : public QObject {
    Q_OBJECT

public:
    explicit PlanRunner(QObject* parent = nullptr);
    ~PlanRunner() override;

    /// Plans @p scenario in the background; cancels a run still in flight.
    void start(const Scenario& scenario);
    void cancel();
    bool isRunning() const;
    const std::vector<AlgorithmResult>& results() const { return m_results; }

signals:
    void started();
    void finished();
    void cancelled();

private:
    QFutureWatcher<std::vector<AlgorithmResult>> m_watcher;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::vector<AlgorithmResult> m_results;
};

} // namespace coinfer
