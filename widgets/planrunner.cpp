#include "widgets/planrunner.h"

#include "core/costmodel.h"

#include <QtConcurrent/QtConcurrentRun>

#include <chrono>

namespace coinfer {

std::vector<AlgorithmResult> runAllPlanners(const Scenario& scenario, const std::atomic<bool>* cancelled)
{
    std::vector<AlgorithmResult> results;
    const CostModel model(scenario);
    for (Algorithm algorithm : allAlgorithms()) {
        if (cancelled && cancelled->load())
            break;
        AlgorithmResult result;
        result.algorithm = algorithm;
        const auto start = std::chrono::steady_clock::now();
        Expected<Plan> plan = makePlan(scenario, model, algorithm);
        result.elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        if (plan)
            result.plan = std::move(plan.value());
        else
            result.message = QString::fromStdString(plan.error().message);
        results.push_back(std::move(result));
    }
    return results;
}

PlanRunner::PlanRunner(QObject* parent)
    : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcher<std::vector<AlgorithmResult>>::finished, this, [this] {
        if (m_cancel && m_cancel->load()) {
            emit cancelled();
            return;
        }
        m_results = m_watcher.result();
        emit finished();
    });
}

PlanRunner::~PlanRunner()
{
    cancel();
    m_watcher.waitForFinished();
}

void PlanRunner::start(const Scenario& scenario)
{
    cancel();
    m_watcher.waitForFinished(); // the previous run stops at its next planner
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    auto flag = m_cancel;
    m_watcher.setFuture(QtConcurrent::run([scenario, flag] { return runAllPlanners(scenario, flag.get()); }));
    emit started();
}

void PlanRunner::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

bool PlanRunner::isRunning() const
{
    return m_watcher.isRunning();
}

} // namespace coinfer
