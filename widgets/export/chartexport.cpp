#include "widgets/export/chartexport.h"

#include "widgets/charts/chartview.h"

#include <QFileInfo>

namespace coinfer {

QStringList exportCharts(const std::vector<NamedChart>& charts, const QString& path, int width, int height)
{
    const QFileInfo info(path);
    QStringList written;
    for (const NamedChart& chart : charts) {
        const QString file = charts.size() == 1 ? path : info.path() + "/" + info.completeBaseName() + "-" + chart.name + "." + info.suffix();
        if (!chart.chart->save(file, width, height))
            return {};
        written << file;
    }
    return written;
}

} // namespace coinfer
