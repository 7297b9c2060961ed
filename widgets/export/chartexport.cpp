#include "widgets/export/chartexport.h"

#include "widgets/charts/chartview.h"

#include "core/io/fileio.h"

#include <QByteArray>
#include <QFile>
#include <QFileInfo>
#include <QIODevice>
#include <QObject>
#include <QTemporaryDir>

#include <cstddef>
#include <string>

namespace coinfer {

namespace {

/// Renders @p chart into a scratch folder (the chart library writes only to a named file), then
/// puts the bytes at @p file atomically: an old file stays whole until the new one is complete,
/// and a failure says why, as the CLI's writes do.
QString saveAtomically(const ChartView& chart, const QString& file, int width, int height)
{
    const QTemporaryDir scratch;
    if (!scratch.isValid())
        return QObject::tr("%1: not written: no scratch folder for the chart (%2)").arg(file, scratch.errorString());
    const QString rendered = scratch.filePath("chart." + QFileInfo(file).suffix());
    QFile bytes(rendered);
    if (!chart.save(rendered, width, height) || !bytes.open(QIODevice::ReadOnly))
        return QObject::tr("%1: not written: the chart could not be drawn as %2").arg(file, QFileInfo(file).suffix());
    const QByteArray content = bytes.readAll();
    const Expected<void> written =
        writeFileAtomically(file.toStdString(), std::string(content.constData(), static_cast<size_t>(content.size())));
    return written ? QString() : QString::fromStdString(written.error().message);
}

} // namespace

Expected<QStringList> exportCharts(const std::vector<NamedChart>& charts, const QString& path, int width, int height)
{
    const QFileInfo info(path);
    QStringList written;
    for (const NamedChart& chart : charts) {
        const QString file =
            charts.size() == 1 ? path : info.path() + "/" + info.completeBaseName() + "-" + chart.name + "." + info.suffix();
        if (const QString problem = saveAtomically(*chart.chart, file, width, height); !problem.isEmpty())
            return Unexpected(Error{ErrorCode::Io, problem.toStdString()});
        written << file;
    }
    return written;
}

} // namespace coinfer
