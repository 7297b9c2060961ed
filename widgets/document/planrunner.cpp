#include "widgets/document/planrunner.h"

#include "core/model/costmodel.h"
#include "core/util/expected.h"

#include <QThread>

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

namespace coinfer {
namespace {

AlgorithmResult cancelledResult(Algorithm algorithm)
{
    AlgorithmResult result;
    result.algorithm = algorithm;
    result.message = QObject::tr("cancelled");
    return result;
}

/// The searching planners, in allAlgorithms() order: one job each.
constexpr std::array<Algorithm, 2> kSearches{Algorithm::Best, Algorithm::Exact};

/// A result for each of @p algorithms saying that their worker failed with @p message (out of
/// memory): every planner of a run must report, or the run never ends.
std::vector<AlgorithmResult> failedResults(const std::vector<Algorithm>& algorithms, const QString& message)
{
    std::vector<AlgorithmResult> results;
    for (Algorithm algorithm : algorithms) {
        AlgorithmResult result;
        result.algorithm = algorithm;
        result.message = QObject::tr("failed: %1").arg(message);
        results.push_back(std::move(result));
    }
    return results;
}

std::vector<Algorithm> heuristicAlgorithms()
{
    std::vector<Algorithm> heuristics;
    for (Algorithm algorithm : allAlgorithms())
        if (!isSearchingAlgorithm(algorithm))
            heuristics.push_back(algorithm);
    return heuristics;
}

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

PlanRunner::PlanRunner(QObject* parent) : QObject(parent), m_resultsScenario(std::make_shared<const Scenario>())
{
    // The heuristics, best and exact of one run in parallel, plus room for a cancelled run's
    // heuristics that are still finishing a pass on a large scenario.
    m_pool.setMaxThreadCount(std::max(4, QThread::idealThreadCount()));
    m_heuristics.setThreadPool(&m_pool);
    connect(&m_heuristics, &BackgroundJob::finished, this, [this] {
        Expected<HeuristicsOutcome> outcome = m_heuristics.takeResult();
        if (outcome)
            deliver(std::move(outcome->results), outcome->saturation);
        else
            deliver(failedResults(heuristicAlgorithms(), m_heuristics.errorString()));
    });
    for (std::size_t index = 0; index < kSearches.size(); ++index) {
        SearchJob& job = m_searches[index];
        const Algorithm algorithm = kSearches[index];
        job.setThreadPool(&m_pool);
        job.setUpdateHandler([this, algorithm](const SearchProgress& progress) {
            if (m_running)
                emit searchProgress(algorithm, progress);
        });
        connect(&job, &BackgroundJob::finished, this, [this, &job, algorithm] {
            Expected<AlgorithmResult> result = job.takeResult();
            deliver(result ? std::vector<AlgorithmResult>{std::move(*result)} : failedResults({algorithm}, job.errorString()));
        });
    }
}

// The jobs, destroyed first, ask their work to stop (the searches stop within milliseconds);
// then the pool waits for it.
PlanRunner::~PlanRunner() = default;

void PlanRunner::start(const Scenario& scenario)
{
    m_arrived = 0;
    m_running = true;
    m_stopRequested = false;
    m_resultsCurrent = false;
    m_clock.start();
    m_runScenario = std::make_shared<const Scenario>(scenario);
    // Before any work starts, so that finished() never comes before started().
    emit started();
    startHeuristics();
    for (std::size_t index = 0; index < kSearches.size(); ++index)
        startSearch(index);
}

void PlanRunner::startHeuristics()
{
    m_heuristics.start(
        [shared = m_runScenario, heuristics = heuristicAlgorithms()](auto& control) -> Expected<HeuristicsOutcome> {
            const CostModel model(*shared);
            HeuristicsOutcome outcome;
            SearchControl cancelOnly; // a cancelled run's OG on a large scenario stops within milliseconds
            cancelOnly.cancel = control.stopFlag();
            for (Algorithm algorithm : heuristics)
                outcome.results.push_back(control.stopRequested() ? cancelledResult(algorithm)
                                                                  : runPlanner(*shared, model, algorithm, cancelOnly));
            // Here rather than on a thread of its own: it arrives with the first plans, so the page
            // never says the GPU is saturated beside the plans of another scenario.
            if (!control.stopRequested())
                outcome.saturation = saturationOrNothing(model);
            return outcome;
        });
}

void PlanRunner::startSearch(std::size_t index)
{
    const Algorithm algorithm = kSearches[index];
    m_searches[index].start([shared = m_runScenario, algorithm,
                             limits = controlFor(algorithm, m_limits)](auto& control) -> Expected<AlgorithmResult> {
        SearchControl search = limits;
        search.cancel = control.stopFlag();
        // Called on the searching thread; the job hands each report to the GUI thread.
        search.progress = [&control](const SearchProgress& progress) { control.report(progress); };
        return runPlanner(*shared, CostModel(*shared), algorithm, search);
    });
}

void PlanRunner::cancel()
{
    if (!m_running)
        return;
    m_stopRequested = true;
    m_heuristics.requestStop();
    for (SearchJob& job : m_searches)
        job.requestStop();
}

const AlgorithmResult* PlanRunner::result(Algorithm algorithm) const
{
    for (const AlgorithmResult& result : m_results)
        if (result.algorithm == algorithm)
            return &result;
    return nullptr;
}

void PlanRunner::deliver(std::vector<AlgorithmResult> arrived, std::optional<GpuSaturation> saturation)
{
    if (!m_resultsCurrent) {
        // The first results of this run replace the previous run's table in one step.
        m_results.clear();
        for (Algorithm algorithm : allAlgorithms()) {
            AlgorithmResult pending;
            pending.algorithm = algorithm;
            pending.pending = true;
            pending.message = tr("searching...");
            m_results.push_back(std::move(pending));
        }
        m_resultsCurrent = true;
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
        if (m_stopRequested)
            emit cancelled();
        else
            emit finished();
    }
}

} // namespace coinfer

#include "moc_planrunner.cpp"
