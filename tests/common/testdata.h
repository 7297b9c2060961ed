#pragma once
// Helpers shared by the test executables: the manifests of bad input files, and synthetic GPU
// profiles (made in the tests, named as such, never a measurement).

#include "core/dnn/dnn.h"
#include "core/dnn/gpuprofile.h"
#include "core/io/dnnio.h"
#include "core/io/profileio.h"

#include <QFile>
#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

namespace coinfer::testing {

/// The rows "file<TAB>fragment of the expected message" of a bad-file manifest.
inline std::vector<std::pair<QString, QString>> badFileManifest(const QString& path)
{
    std::vector<std::pair<QString, QString>> rows;
    QFile manifest(path);
    if (!manifest.open(QIODevice::ReadOnly | QIODevice::Text))
        return rows;
    while (!manifest.atEnd()) {
        const QString line = QString::fromUtf8(manifest.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const QStringList parts = line.split('\t');
        if (parts.size() == 2)
            rows.emplace_back(parts[0], parts[1]);
    }
    return rows;
}

/// A profile of @p dnn whose every sub-task has @p medianMs (p10 and p90 at -10% and +10%).
inline GpuProfile syntheticProfile(const DnnDescription& dnn, const std::vector<double>& medianMs)
{
    GpuProfile profile;
    profile.dnnName = dnn.name;
    profile.dnnSignature = dnnSignature(dnn);
    profile.gpu.name = "synthetic test profile (not a measurement)";
    profile.measuredAt = "2026-01-01T00:00:00Z";
    for (const SubtaskDescription& subtask : dnn.subtasks) {
        SubtaskProfile entry{subtask.name, medianMs, {}, {}, fitAffine(medianMs)};
        for (double t : medianMs) {
            entry.p10Ms.push_back(0.9 * t);
            entry.p90Ms.push_back(1.1 * t);
        }
        profile.subtasks.push_back(std::move(entry));
    }
    return profile;
}

#ifdef COINFER_TEST_DATA
/// The description a shipped profile (resources/profiles) measured: the built-in of its name, or
/// else the torchvision export of that name in tests/data/onnx (e.g. resnet50), imported. A
/// build without ONNX cannot import it: that error has ErrorCode::NoDevice, so callers can skip.
inline Expected<DnnDescription> shippedProfileDnn(const GpuProfile& profile)
{
    if (Expected<DnnDescription> builtin = builtinDnn(profile.dnnName))
        return builtin;
#ifdef COINFER_ONNX
    return loadDnn(COINFER_TEST_DATA "/onnx/" + profile.dnnName + ".onnx");
#else
    return Unexpected(Error{ErrorCode::NoDevice, profile.dnnName + ": an imported model, and this build has no ONNX importer"});
#endif
}
#endif

} // namespace coinfer::testing
