#include "core/dnn/gpuprofile.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace coinfer {

AffineFit fitAffine(const std::vector<double>& latencyMs)
{
    AffineFit fit;
    const double n = static_cast<double>(latencyMs.size());
    if (latencyMs.empty())
        return fit;
    if (latencyMs.size() == 1) {
        fit.alphaMs = latencyMs[0];
        fit.r2 = 1;
        return fit;
    }
    double sumB = 0, sumT = 0;
    for (size_t i = 0; i < latencyMs.size(); ++i) {
        sumB += static_cast<double>(i + 1);
        sumT += latencyMs[i];
    }
    const double meanB = sumB / n, meanT = sumT / n;
    double sBB = 0, sBT = 0, sTT = 0;
    for (size_t i = 0; i < latencyMs.size(); ++i) {
        const double db = static_cast<double>(i + 1) - meanB, dt = latencyMs[i] - meanT;
        sBB += db * db;
        sBT += db * dt;
        sTT += dt * dt;
    }
    fit.betaMs = sBT / sBB;
    fit.alphaMs = meanT - fit.betaMs * meanB;
    double residual = 0;
    for (size_t i = 0; i < latencyMs.size(); ++i) {
        const double e = latencyMs[i] - (fit.alphaMs + fit.betaMs * static_cast<double>(i + 1));
        residual += e * e;
    }
    fit.r2 = sTT > 0 ? 1.0 - residual / sTT : 1.0;
    return fit;
}

LatencySummary summarizeLatencies(std::vector<double> samplesMs)
{
    LatencySummary summary;
    if (samplesMs.empty())
        return summary;
    std::sort(samplesMs.begin(), samplesMs.end());
    auto quantile = [&](double q) {
        const double at = q * static_cast<double>(samplesMs.size() - 1);
        const size_t low = static_cast<size_t>(std::floor(at));
        const size_t high = std::min(low + 1, samplesMs.size() - 1);
        return samplesMs[low] + (samplesMs[high] - samplesMs[low]) * (at - static_cast<double>(low));
    };
    summary.medianMs = quantile(0.5);
    summary.p10Ms = quantile(0.1);
    summary.p90Ms = quantile(0.9);
    return summary;
}

} // namespace coinfer
