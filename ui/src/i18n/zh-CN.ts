// Chinese (default) UI text. This object is the schema: `en.ts` must have exactly the same keys
// and the same `{placeholders}` (checked by i18n.test.ts). Plain objects, compiled by vue-i18n's
// JIT compiler at run time (no eval). Avoid the characters `@` `|` `{` `}` in text: they are
// vue-i18n syntax (linked messages, plurals, placeholders).
const zhCN = {
  app: {
    title: '电子监察工作台',
    version: '版本 {version}',
    versionUnknown: '版本未知',
    language: '语言',
    navigation: '导航',
    shortcuts: '快捷键',
    sync: '同步',
    syncNotBuilt: '同步状态：尚未实现',
    notInApp: '浏览器预览：不在桌面应用中运行',
  },
  screens: {
    dashboard: {
      title: '总览',
      planned: '今日预警、黄牌、红牌与数据完整性发现的计数，较昨日新增，未结卡片最多的部门，同步状态，以及两张图表。',
    },
    warnings: {
      title: '预警',
      planned: '预警提示队列（自办结期限前一个工作日起），按紧迫程度排序，可按部门、事项、承办人、日期和关键字筛选。',
    },
    yellow: {
      title: '黄牌',
      planned: '已超过办结期限仍未办结案件的黄牌队列，以及向承办单位发送效能告诫书的入口。',
    },
    red: {
      title: '红牌',
      planned: '超过办结期限两个工作日以上仍未办结案件的红牌队列，以及经分管领导批准后启动调查的入口。',
    },
    case: {
      title: '案件',
      planned: '案件的基础信息（GB/T 39046 字段）、办理时间轴（暂停与节假日标注）、办结期限与两个倒计时、预警历史和数据完整性发现。',
    },
    letters: {
      title: '文书',
      planned: '效能告诫书、初步调查通知书等文书的起草、审批、签发与归档。',
    },
    complaints: {
      title: '投诉',
      planned: '投诉的受理登记、2 个工作日内转办、15 个工作日办理时限跟踪与结果反馈；投诉人信息严格保密。',
    },
    scoring: {
      title: '绩效',
      planned: '按月对各部门进行十个维度的量化测评：版本化的评分规则、扣分与加分明细和排名。',
    },
    calendar: {
      title: '日历',
      planned: '工作日历年视图：法定节假日与调休上班日，单日修改（须注明理由）及由此引起的期限重算。',
    },
    sync: {
      title: '同步',
      planned: '与市级数据源的同步：进度、最近一次成功时间、错误，以及隔离记录（记录、原因与原始数据）。',
    },
    settings: {
      title: '设置',
      planned: '数据源地址与令牌、同步间隔、预警提前量和界面语言。',
    },
  },
  notBuilt: {
    title: '此功能尚未实现',
    willShow: '此处将提供：{what}',
  },
  dashboard: {
    appInfo: '本机运行信息',
    version: '程序版本',
    dbPath: '数据库路径',
    feedUrl: '数据源地址',
    feedKind: '数据源类型',
    demoFeed: '内置演示数据源',
    externalFeed: '外部数据源',
    schemaVersion: '数据库结构版本',
    loading: '正在读取…',
    reload: '重新读取',
    loadFailed: '无法读取本机运行信息',
    notYet: '尚未实现',
    empty: '（空）',
  },
  queue: {
    total: '共 {total} 条',
    loaded: '已载入 {loaded} 条',
    position: '第 {index} 条',
    loading: '加载中…',
    empty: '没有记录',
    failed: '加载失败：{message}',
    retry: '重试',
    hint: '↑/↓ 选择，Enter 打开',
  },
  keys: {
    title: '键盘快捷键',
    altDigit: 'Alt+数字：切换到第 N 个页面',
    gLetter: '先按 g 再按字母：切换页面（见导航栏右侧字母）',
    slash: '/：聚焦当前页面的搜索框',
    help: '?：显示本帮助',
    queue: '表格中 ↑/↓ 选择行，Enter 打开，PageUp/PageDown 翻页，Home/End 到首尾',
  },
  errors: {
    format: '{title}：{message}',
    title: '出错了',
    codes: {
      invalid_input: '输入有误',
      not_found: '未找到',
      forbidden: '无权操作',
      unauthenticated: '需要登录',
      conflict: '当前状态不允许此操作',
      unavailable: '服务不可用',
      internal: '内部错误',
    },
  },
}

export default zhCN
export type MessageSchema = typeof zhCN
