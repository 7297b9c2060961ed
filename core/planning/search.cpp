#include "core/planning/search.h"

namespace coinfer {

const char* searchEndName(SearchEnd end)
{
    switch (end) {
    case SearchEnd::Completed:
        return "completed";
    case SearchEnd::WorkBudget:
        return "work budget spent";
    case SearchEnd::TimeLimit:
        return "time limit reached";
    case SearchEnd::Cancelled:
        return "cancelled";
    case SearchEnd::HeuristicScheduleSearch:
        return "heuristic schedule search";
    }
    return "unknown";
}

WorkMeter::WorkMeter(const SearchControl& control)
    : m_control(control), m_budget(control.workBudget), m_start(std::chrono::steady_clock::now()), m_lastReport(m_start)
{
}

void WorkMeter::spend(long long units)
{
    m_used += units;
    if (m_budget > 0 && m_used > m_budget)
        throw SearchStopped{SearchEnd::WorkBudget};
    m_sinceCheck += units;
    if ((++m_calls & 4095u) == 0 || m_sinceCheck > 100'000) {
        m_sinceCheck = 0;
        checkClock();
    }
}

double WorkMeter::elapsedMs() const
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_start).count();
}

void WorkMeter::checkClock()
{
    if (m_control.cancel && m_control.cancel->load(std::memory_order_relaxed))
        throw SearchStopped{SearchEnd::Cancelled};
    const auto now = std::chrono::steady_clock::now();
    if (m_control.timeLimitMs > 0 && std::chrono::duration<double, std::milli>(now - m_start).count() > m_control.timeLimitMs)
        throw SearchStopped{SearchEnd::TimeLimit};
    if (m_control.progress && now - m_lastReport > std::chrono::milliseconds(50)) {
        m_lastReport = now;
        m_progress.workUsed = m_used;
        m_control.progress(m_progress);
    }
}

} // namespace coinfer
