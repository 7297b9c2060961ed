#include "core/model/costmodel.h"

#include "core/util/tolerance.h"

#include <algorithm>
#include <limits>

namespace coinfer {

CostModel::CostModel(const Scenario& scenario, double edgeFreeAtMs)
    : m_userCount(scenario.userCount())
    , m_subtaskCount(scenario.dnn.subtaskCount())
    , m_maxBatch(scenario.dnn.maxBatch())
    , m_edgeFreeAtMs(edgeFreeAtMs)
{
    const size_t cells = static_cast<size_t>(m_userCount) * static_cast<size_t>(m_subtaskCount + 1);
    m_localMs.resize(cells);
    m_uploadMs.resize(cells);
    m_energyMj.resize(cells);
    m_computeMj.resize(cells);
    for (int m = 0; m < m_userCount; ++m) {
        const User& user = scenario.users[static_cast<size_t>(m)];
        m_deadlineMs.push_back(user.deadlineMs);
        double latency = 0, energy = 0;
        for (int p = 0; p <= m_subtaskCount; ++p) {
            if (p > 0) {
                latency += user.localLatencyMs[static_cast<size_t>(p - 1)];
                energy += user.localEnergyMj[static_cast<size_t>(p - 1)];
            }
            // bytes * 8 bit / (Mbps * 1e6 bit/s) s = bytes * 8 / (Mbps * 1e3) ms
            const double upload = p < m_subtaskCount ? scenario.dnn.uploadBytes(p) * 8.0 / (user.uplinkRateMbps * 1e3) : 0.0;
            m_localMs[at(m, p)] = latency;
            m_uploadMs[at(m, p)] = upload;
            m_computeMj[at(m, p)] = energy;
            m_energyMj[at(m, p)] = energy + user.txPowerW * upload; // W * ms = mJ
        }
    }
    for (const Subtask& subtask : scenario.dnn.subtasks) {
        const auto& curve = subtask.edgeLatencyMs;
        m_edgeMs.insert(m_edgeMs.end(), curve.begin(), curve.end());
        m_minEdgeMs.push_back(*std::min_element(curve.begin(), curve.end()));
        for (size_t b = 1; b < curve.size(); ++b) {
            if (curve[b] != curve[0])
                m_edgeConstant = false;
            if (curve[b] < curve[b - 1])
                m_edgeMonotone = false;
        }
    }
}

bool CostModel::feasibleAlone(int user, int partition) const
{
    if (partition == m_subtaskCount)
        return meetsDeadline(localMs(user, partition), deadlineMs(user));
    double finish = arrivalMs(user, partition);
    for (int n = partition + 1; n <= m_subtaskCount; ++n)
        finish += minEdgeMs(n);
    return meetsDeadline(finish, deadlineMs(user));
}

bool CostModel::feasibleAlone(int user) const
{
    for (int p = 0; p <= m_subtaskCount; ++p)
        if (feasibleAlone(user, p))
            return true;
    return false;
}

std::vector<int> CostModel::aloneOptionsCheapestFirst(int user) const
{
    std::vector<int> options;
    for (int p = 0; p <= m_subtaskCount; ++p)
        if (feasibleAlone(user, p))
            options.push_back(p);
    std::stable_sort(options.begin(), options.end(), [&](int a, int b) { return energyMj(user, a) < energyMj(user, b); });
    return options;
}

double CostModel::aloneLowerBoundMj() const
{
    double total = 0;
    for (int m = 0; m < m_userCount; ++m) {
        double cheapest = std::numeric_limits<double>::infinity();
        for (int p = 0; p <= m_subtaskCount; ++p)
            if (energyMj(m, p) < cheapest && feasibleAlone(m, p))
                cheapest = energyMj(m, p);
        total += cheapest;
    }
    return total;
}

double CostModel::localEnergyMj() const
{
    double total = 0;
    for (int m = 0; m < m_userCount; ++m)
        total += energyMj(m, m_subtaskCount);
    return total;
}

} // namespace coinfer
