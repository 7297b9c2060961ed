#include "widgets/document/usertablemodel.h"

#include "widgets/document/commands.h"
#include "widgets/document/scenariodocument.h"

#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace coinfer {

UserTableModel::UserTableModel(ScenarioDocument* document, QObject* parent)
    : QAbstractTableModel(parent), m_document(document)
{
    connect(document, &ScenarioDocument::scenarioReset, this, [this] {
        beginResetModel();
        endResetModel();
    });
    connect(document, &ScenarioDocument::userChanged, this,
            [this](int row) { emit dataChanged(index(row, 0), index(row, ColumnCount - 1)); });
    connect(document, &ScenarioDocument::userInserted, this, [this](int row) {
        beginInsertRows({}, row, row);
        endInsertRows();
    });
    connect(document, &ScenarioDocument::userRemoved, this, [this](int row) {
        beginRemoveRows({}, row, row);
        endRemoveRows();
    });
}

int UserTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_document->scenario().userCount();
}

int UserTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UserTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || (role != Qt::DisplayRole && role != Qt::EditRole))
        return {};
    const User& user = m_document->scenario().users[static_cast<size_t>(index.row())];
    switch (index.column()) {
    case Id: return QString::fromStdString(user.id);
    case DeviceClass: return QString::fromStdString(user.deviceClass);
    case DeadlineMs: return user.deadlineMs;
    case UplinkRateMbps: return user.uplinkRateMbps;
    case TxPowerW: return user.txPowerW;
    case LocalEnergyMj: return std::accumulate(user.localEnergyMj.begin(), user.localEnergyMj.end(), 0.0);
    default: return {};
    }
}

QVariant UserTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    switch (section) {
    case Id: return tr("User");
    case DeviceClass: return tr("Device class");
    case DeadlineMs: return tr("Deadline (ms)");
    case UplinkRateMbps: return tr("Uplink (Mbps)");
    case TxPowerW: return tr("Tx power (W)");
    case LocalEnergyMj: return tr("Local energy (mJ)");
    default: return {};
    }
}

Qt::ItemFlags UserTableModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags flags = QAbstractTableModel::flags(index);
    if (index.column() == Id || index.column() == DeadlineMs || index.column() == UplinkRateMbps || index.column() == TxPowerW)
        flags |= Qt::ItemIsEditable;
    return flags;
}

namespace {

/// Applies @p value to @p column of @p user; false when the value is not acceptable.
bool applyField(User& user, int column, const QVariant& value)
{
    if (column == UserTableModel::Id) {
        const QString id = value.toString().trimmed();
        if (id.isEmpty())
            return false;
        user.id = id.toStdString();
        return true;
    }
    bool ok = false;
    const double number = value.toDouble(&ok);
    if (!ok || !std::isfinite(number) || number <= 0)
        return false;
    switch (column) {
    case UserTableModel::DeadlineMs: user.deadlineMs = number; return true;
    case UserTableModel::UplinkRateMbps: user.uplinkRateMbps = number; return true;
    case UserTableModel::TxPowerW: user.txPowerW = number; return true;
    default: return false;
    }
}

} // namespace

bool UserTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || role != Qt::EditRole)
        return false;
    return setColumnForRows({index.row()}, index.column(), value);
}

bool UserTableModel::setColumnForRows(const QList<int>& rows, int column, const QVariant& value)
{
    const auto& users = m_document->scenario().users;
    if (column == Id) {
        if (rows.size() != 1)
            return false;
        const std::string id = value.toString().trimmed().toStdString();
        for (size_t m = 0; m < users.size(); ++m)
            if (static_cast<int>(m) != rows.front() && users[m].id == id)
                return false; // ids stay unique
    }
    std::vector<std::pair<int, User>> changed;
    for (int row : rows) {
        User user = users[static_cast<size_t>(row)];
        if (!applyField(user, column, value))
            return false;
        changed.emplace_back(row, user);
    }
    const QString text = tr("Edit %1").arg(headerData(column, Qt::Horizontal).toString());
    if (changed.size() == 1) {
        m_document->undoStack()->push(new EditUserCommand(m_document, changed[0].first, column, changed[0].second, text));
        return true;
    }
    m_document->undoStack()->beginMacro(text);
    for (const auto& [row, user] : changed)
        m_document->undoStack()->push(new EditUserCommand(m_document, row, -1 - row, user, text));
    m_document->undoStack()->endMacro();
    return true;
}

void UserTableModel::addUser(int templateRow)
{
    const auto& users = m_document->scenario().users;
    User user;
    if (templateRow >= 0 && templateRow < static_cast<int>(users.size())) {
        user = users[static_cast<size_t>(templateRow)];
    } else if (!users.empty()) {
        user = users.back();
    } else {
        return; // a scenario with no user has no device tables to copy
    }
    int suffix = static_cast<int>(users.size()) + 1;
    auto taken = [&](const std::string& id) {
        return std::any_of(users.begin(), users.end(), [&](const User& u) { return u.id == id; });
    };
    while (taken("user" + std::to_string(suffix)))
        ++suffix;
    user.id = "user" + std::to_string(suffix);
    m_document->undoStack()->push(new InsertRemoveUsersCommand(m_document, {{static_cast<int>(users.size()), user}}, false, tr("Add user")));
}

void UserTableModel::removeUsers(QList<int> rows)
{
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    std::vector<std::pair<int, User>> removed;
    for (int row : rows)
        removed.emplace_back(row, m_document->scenario().users[static_cast<size_t>(row)]);
    if (!removed.empty())
        m_document->undoStack()->push(new InsertRemoveUsersCommand(m_document, std::move(removed), true,
                                                                   tr("Remove %n user(s)", nullptr, static_cast<int>(rows.size()))));
}

} // namespace coinfer

#include "moc_usertablemodel.cpp"
