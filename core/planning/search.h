#pragma once
// Budgets, stops and results shared by the searching planners (best and exact).

#include "core/model/plan.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <limits>

namespace coinfer {

/// What a search reports while it runs.
struct SearchProgress {
    long long workUsed = 0;                                       ///< work units spent so far (see SearchControl::workBudget)
    double incumbentMj = std::numeric_limits<double>::infinity(); ///< best feasible energy so far
    double lowerBoundMj = 0;                                      ///< proven lower bound so far (0 until one is known)
};

/// How long a search may run and how to stop it.
struct SearchControl {
    /// Deterministic budget in work units: one unit is about one user-sub-task step of the
    /// simulator or one member of a schedule-search node. <= 0: unlimited. Two runs with the
    /// same scenario and budget give the same plan.
    long long workBudget = 0;
    /// Wall-clock safety stop in ms; <= 0: none. Stopping on it is not deterministic.
    double timeLimitMs = 0;
    /// Checked inside the search; when it becomes true the search returns what it has.
    const std::atomic<bool>* cancel = nullptr;
    /// Called from the searching thread about every 50 ms.
    std::function<void(const SearchProgress&)> progress;
};

/// Why a search ended. Completed is said only of a finished proof; a branch and bound that ran to
/// its end but had to close some subtree on a schedule search that could not decide it (too many
/// users at one sub-task to try every batch) ends with HeuristicScheduleSearch: its plan may not
/// be optimal, and its bound stays proven.
enum class SearchEnd { Completed, WorkBudget, TimeLimit, Cancelled, HeuristicScheduleSearch };

/// A one-line description ("completed", "work budget spent", ...).
const char* searchEndName(SearchEnd end);

/// Thrown by WorkMeter::spend when the search must stop; caught by the search's entry point.
struct SearchStopped {
    SearchEnd reason;
};

/// Counts work against a SearchControl and throws SearchStopped when the budget, the time limit
/// or the cancel flag says stop. The clock and the flag are read every 4096 calls or 100,000
/// units, so spending costs a few nanoseconds.
class WorkMeter {
public:
    explicit WorkMeter(const SearchControl& control);

    /// Adds @p units of work; throws SearchStopped when the search must stop.
    void spend(long long units);
    /// Whether @p units more fit in the work budget (never throws).
    bool affords(long long units) const { return m_budget <= 0 || m_used + units <= m_budget; }
    long long used() const { return m_used; }
    /// Publishes the incumbent and bound that progress reports carry.
    void setIncumbent(double energyMj) { m_progress.incumbentMj = energyMj; }
    void setLowerBound(double energyMj) { m_progress.lowerBoundMj = energyMj; }
    /// Throws SearchStopped now if the cancel flag is set or the time limit has passed.
    void checkpoint() { checkClock(); }
    /// Elapsed wall-clock time since construction.
    double elapsedMs() const;

private:
    void checkClock();

    const SearchControl& m_control;
    long long m_budget;
    long long m_used = 0;
    unsigned m_calls = 0;
    long long m_sinceCheck = 0;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_lastReport;
    SearchProgress m_progress;
};

} // namespace coinfer
