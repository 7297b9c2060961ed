#include "widgets/chartexport.h"

#include <QSvgGenerator>

#include <qcustomplot.h>

namespace coinfer {

bool exportChart(QCustomPlot* chart, const QString& path, int width, int height)
{
    if (path.endsWith(".pdf", Qt::CaseInsensitive))
        return chart->savePdf(path, width, height);
    if (path.endsWith(".jpg", Qt::CaseInsensitive) || path.endsWith(".jpeg", Qt::CaseInsensitive))
        return chart->saveJpg(path, width, height);
    if (path.endsWith(".svg", Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(QSize(width, height));
        svg.setViewBox(QRect(0, 0, width, height));
        QCPPainter painter;
        if (!painter.begin(&svg))
            return false;
        chart->toPainter(&painter, width, height);
        return painter.end();
    }
    return chart->savePng(path, width, height);
}

} // namespace coinfer
