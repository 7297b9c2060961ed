#include "widgets/document/planrunner.h"

#include "core/model/costmodel.h"

#include <QFuture>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <chrono>
#include <exception>

namespace coinfer {
namespace {

AlgorithmResult cancelledResult(Algorithm algorithm)
{
    AlgorithmResult result;
    result.algorithm = algorithm;
    result.message = QObject::tr("cancelled");
    return result;
}

/// What the heuristics' thread hands back: their plans and whether the GPU caps the saving.
struct HeuristicsOutcome {
    std::vector<AlgorithmResult> results;
    std::optional<GpuSaturation> saturation;
};

/// gpuSaturation, or nullopt when it fails (out of memory): the page then says nothing of the
/// GPU rather than never finishing its run.
std::optional<GpuSaturation> saturationOrNothing(const CostModel& model)
{
    try {
        return gpuSaturation(model);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

SearchControl controlFor(Algorithm algorithm, const SearchLimits& limits)
{
    SearchControl control; // workBudget 0: best's deterministic default, none for exact
    control.timeLimitMs = algorithm == Algorithm::Exact ? limits.exactTimeLimitMs : limits.bestTimeLimitMs;
    return control;
}

} // namespace

bool isSearchingAlgorithm(Algorithm algorithm)
{
    return algorithm == Algorithm::Best || algorithm == Algorithm::Exact;
}

AlgorithmResult runPlanner(const Scenario& scenario, const CostModel& model, Algorithm algorithm, const SearchControl& control)
{
    AlgorithmResult result;
    result.algorithm = algorithm;
    const auto start = std::chrono::steady_clock::now();
    try {
        PlanOptions options;
        if (isSearchingAlgorithm(algorithm))
            options.control = control;
        else
            options.control.cancel = control.cancel; // OG and IP-SSA stop on it, keeping their plan so far
        Expected<Plan> plan = makePlan(scenario, model, algorithm, nullptr, options);
        if (plan)
            result.plan = std::move(plan.value());
        else
            result.message = QString::fromStdString(plan.error().message);
    } catch (const std::exception& error) {
        // A failure (e.g. out of memory) must still deliver a result, or the run never ends.
        result.message = QObject::tr("failed: %1").arg(QString::fromUtf8(error.what()));
    }
    result.elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return result;
}

PlanRunner::PlanRunner(QObject* parent)
    : QObject(parent), m_resultsScenario(std::make_shared<const Scenario>())
{
    // The heuristics, best and exact of one run in parallel, plus room for a cancelled run's
    // heuristics that are still finishing a pass on a large scenario.
    m_pool.setMaxThreadCount(std::max(4, QThread::idealThreadCount()));
}

PlanRunner::~PlanRunner()
{
    if (m_cancel)
        m_cancel->store(true);
    m_pool.waitForDone();
}

void PlanRunner::start(const Scenario& scenario)
{
    if (m_cancel)
        m_cancel->store(true); // the old run stops on its own threads; deliver() drops what it returns
    const quint64 run = ++m_run;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_arrived = 0;
    m_running = true;
    m_clock.start();
    auto shared = m_runScenario = std::make_shared<const Scenario>(scenario);
    auto flag = m_cancel;
    // Before any work starts: a continuation whose future is already done (an infeasible
    // scenario's heuristics return at once) may run before start() returns, and its finished()
    // must come after started(), never before.
    emit started();

    std::vector<Algorithm> heuristics;
    for (Algorithm algorithm : allAlgorithms())
        if (!isSearchingAlgorithm(algorithm))
            heuristics.push_back(algorithm);
    QtConcurrent::run(&m_pool, [shared, flag, heuristics] {
        const CostModel model(*shared);
        HeuristicsOutcome outcome;
        SearchControl cancelOnly; // a cancelled run's OG on a large scenario stops within milliseconds
        cancelOnly.cancel = flag.get();
        for (Algorithm algorithm : heuristics)
            outcome.results.push_back(flag->load() ? cancelledResult(algorithm) : runPlanner(*shared, model, algorithm, cancelOnly));
        // Here rather than on a thread of its own: it arrives with the first plans, so the page
        // never says the GPU is saturated beside the plans of another scenario.
        if (!flag->load())
            outcome.saturation = saturationOrNothing(model);
        return outcome;
    }).then(this, [this, run](HeuristicsOutcome outcome) { deliver(run, std::move(outcome.results), outcome.saturation); });

    for (Algorithm algorithm : allAlgorithms()) {
        if (!isSearchingAlgorithm(algorithm))
            continue;
        SearchControl control = controlFor(algorithm, m_limits);
        // Called on the searching thread; the runner outlives it (the destructor waits).
        control.progress = [this, run, algorithm](const SearchProgress& progress) {
            QMetaObject::invokeMethod(this, [this, run, algorithm, progress] {
                if (run == m_run && m_running)
                    emit searchProgress(algorithm, progress);
            }, Qt::QueuedConnection);
        };
        QtConcurrent::run(&m_pool, [shared, flag, algorithm, control] {
            SearchControl withCancel = control;
            withCancel.cancel = flag.get();
            return std::vector<AlgorithmResult>{runPlanner(*shared, CostModel(*shared), algorithm, withCancel)};
        }).then(this, [this, run](std::vector<AlgorithmResult> results) { deliver(run, std::move(results)); });
    }
}

void PlanRunner::cancel()
{
    if (m_cancel && m_running)
        m_cancel->store(true);
}

const AlgorithmResult* PlanRunner::result(Algorithm algorithm) const
{
    for (const AlgorithmResult& result : m_results)
        if (result.algorithm == algorithm)
            return &result;
    return nullptr;
}

void PlanRunner::deliver(quint64 run, std::vector<AlgorithmResult> arrived, std::optional<GpuSaturation> saturation)
{
    if (run != m_run)
        return; // a run that a newer one replaced
    if (m_resultsRun != run) {
        // The first results of this run replace the previous run's table in one step.
        m_results.clear();
        for (Algorithm algorithm : allAlgorithms()) {
            AlgorithmResult pending;
            pending.algorithm = algorithm;
            pending.pending = true;
            pending.message = tr("searching...");
            m_results.push_back(std::move(pending));
        }
        m_resultsRun = run;
        m_resultsScenario = m_runScenario;
        m_saturation.reset();
    }
    if (saturation)
        m_saturation = saturation;
    std::vector<Algorithm> algorithms;
    for (AlgorithmResult& result : arrived) {
        algorithms.push_back(result.algorithm);
        for (AlgorithmResult& slot : m_results)
            if (slot.algorithm == result.algorithm)
                slot = std::move(result);
    }
    m_arrived += algorithms.size();
    const bool done = m_arrived >= m_results.size();
    if (done)
        m_running = false;
    emit resultsChanged(algorithms);
    if (done) {
        if (m_cancel->load())
            emit cancelled();
        else
            emit finished();
    }
}

} // namespace coinfer

#include "moc_planrunner.cpp"
