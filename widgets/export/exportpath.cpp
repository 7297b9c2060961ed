#include "widgets/export/exportpath.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QRegularExpression>
#include <QRegularExpressionMatch>
#include <QRegularExpressionMatchIterator>
#include <QWidget>

namespace coinfer {

QStringList filterExtensions(const QString& filters)
{
    static const QRegularExpression pattern(QStringLiteral("\\*(\\.[A-Za-z0-9]+)"));
    QStringList extensions;
    for (auto match = pattern.globalMatch(filters); match.hasNext();) {
        const QString extension = match.next().captured(1).toLower();
        if (!extensions.contains(extension))
            extensions << extension;
    }
    return extensions;
}

QString exportPathFor(const QString& typed, const QString& filters, const QString& selectedFilter)
{
    if (typed.isEmpty())
        return typed;
    const QString suffix = QFileInfo(typed).suffix().toLower();
    if (!suffix.isEmpty() && filterExtensions(filters).contains("." + suffix))
        return typed;
    const QStringList chosen = filterExtensions(selectedFilter.isEmpty() ? filters : selectedFilter);
    return chosen.isEmpty() ? typed : typed + chosen.front();
}

QString suggestedExportPath(const QString& documentPath, const QString& suffix)
{
    const QFileInfo document(documentPath);
    const QString stem = documentPath.isEmpty() ? QStringLiteral("untitled") : document.completeBaseName();
    if (documentPath.isEmpty() || documentPath.startsWith(':'))
        return stem + suffix;
    return document.absoluteDir().filePath(stem + suffix);
}

QString askSavePath(QWidget* parent, const QString& title, const QString& start, const QString& filters)
{
    QString selected;
    const QString typed = QFileDialog::getSaveFileName(parent, title, start, filters, &selected);
    return exportPathFor(typed, filters, selected);
}

} // namespace coinfer
