//! The fixed shape of the simulated city: departments (city level and three county-level
//! districts, each with its stationed discipline body) and the item catalogue.

use jiancha_protocol::{
    CaseType, Department, DisciplineBody, Item, ItemType, Level, Limit, LimitUnit,
};

use crate::rng::Rng;

/// City-level departments: (name, short topic words for item names, relative volume).
const CITY_DEPTS: &[(&str, &[&str], f64)] = &[
    (
        "市行政审批服务局",
        &[
            "企业设立登记",
            "食品经营许可",
            "建设工程规划许可",
            "药品零售许可",
        ],
        9.0,
    ),
    (
        "市发展和改革委员会",
        &["固定资产投资项目核准", "节能审查"],
        2.0,
    ),
    ("市教育局", &["民办学校办学许可", "教师资格认定"], 2.5),
    ("市科学技术局", &["高新技术企业认定", "科技成果登记"], 1.2),
    (
        "市工业和信息化局",
        &["技术改造项目备案", "无线电台站设置"],
        1.2,
    ),
    (
        "市公安局",
        &["户口迁移", "居住证签注", "剧毒化学品购买许可"],
        5.0,
    ),
    ("市民政局", &["社会团体登记", "养老机构备案"], 2.0),
    ("市司法局", &["律师执业许可", "公证员执业审核"], 1.2),
    (
        "市财政局",
        &["代理记账资格审批", "政府采购供应商投诉处理"],
        1.0,
    ),
    (
        "市人力资源和社会保障局",
        &["职业技能等级认定", "劳务派遣经营许可", "社会保险登记"],
        4.5,
    ),
    (
        "市自然资源和规划局",
        &["建设用地规划许可", "不动产登记", "测绘资质审批"],
        4.0,
    ),
    ("市生态环境局", &["环境影响评价审批", "排污许可"], 2.0),
    (
        "市住房和城乡建设局",
        &["建筑工程施工许可", "商品房预售许可", "建筑业企业资质"],
        4.0,
    ),
    (
        "市交通运输局",
        &["道路运输经营许可", "出租汽车驾驶员资格"],
        3.0,
    ),
    ("市水务局", &["取水许可", "河道管理范围内建设项目审批"], 1.2),
    (
        "市农业农村局",
        &["兽药经营许可", "农药经营许可", "动物防疫条件审查"],
        2.0,
    ),
    ("市商务局", &["对外贸易经营者备案", "单用途预付卡备案"], 1.5),
    ("市文化和旅游局", &["营业性演出审批", "旅行社设立许可"], 1.5),
    (
        "市卫生健康委员会",
        &["医疗机构执业许可", "医师执业注册", "公共场所卫生许可"],
        3.5,
    ),
    (
        "市退役军人事务局",
        &["优抚对象认定", "退役军人就业补助"],
        1.0,
    ),
    ("市应急管理局", &["危险化学品经营许可", "安全生产许可"], 1.5),
    (
        "市市场监督管理局",
        &["特种设备使用登记", "计量器具型式批准", "工业产品生产许可"],
        4.0,
    ),
    ("市体育局", &["高危险性体育项目经营许可"], 0.8),
    ("市统计局", &["统计调查项目审批"], 0.6),
    (
        "市医疗保障局",
        &["定点医药机构协议管理", "异地就医备案"],
        2.5,
    ),
    (
        "市城市管理局",
        &["城市道路占用挖掘许可", "户外广告设置许可"],
        2.5,
    ),
    ("市林业局", &["林木采伐许可", "林草种子生产经营许可"], 1.0),
    (
        "市气象局",
        &["雷电防护装置设计审核", "升放气球活动许可"],
        0.8,
    ),
];

/// County-level districts: (region code, name).
const COUNTIES: &[(&str, &str)] = &[
    ("370102", "东城区"),
    ("370124", "西湖县"),
    ("370181", "南山市"),
];

/// County departments (suffix after the district name, topics, volume).
const COUNTY_DEPTS: &[(&str, &[&str], f64)] = &[
    (
        "行政审批服务局",
        &["个体工商户登记", "小餐饮登记", "建设项目备案"],
        4.0,
    ),
    (
        "市场监督管理局",
        &["食品小作坊登记", "特种设备使用登记"],
        2.0,
    ),
    (
        "人力资源和社会保障局",
        &["就业创业证办理", "失业保险金申领"],
        2.0,
    ),
    ("住房和城乡建设局", &["施工许可", "住房保障资格审核"], 1.5),
];

const CITY_REGION: (&str, &str) = ("370100", "市本级");

const ITEM_SUFFIXES: &[&str] = &["", "变更", "延续", "注销", "补办"];

/// A department with its simulation profile.
#[derive(Debug, Clone)]
pub struct DeptSpec {
    /// The feed record.
    pub dept: Department,
    /// Relative case volume.
    pub weight: f64,
    /// Probability that a promised case ends 1–2 working days late (yellow card).
    pub p_yellow: f64,
    /// Probability that a promised case ends 3+ working days late (red card).
    pub p_red: f64,
    /// Indices of this department's items in the catalogue.
    pub items: Vec<usize>,
}

/// Builds the departments and the catalogue for a seed.
pub fn build(seed: u64) -> (Vec<DeptSpec>, Vec<Item>) {
    let mut rng = Rng::new(seed, 0xC17, 0);
    let mut depts = Vec::new();
    let mut items = Vec::new();
    let mut push = |rng: &mut Rng,
                    depts: &mut Vec<DeptSpec>,
                    name: String,
                    level: Level,
                    region: (&str, &str),
                    topics: &[&str],
                    weight: f64| {
        let n = depts.len() + 1;
        let id = format!("D{n:03}");
        let body_name = match level {
            Level::City => format!("市纪委监委派驻第{}纪检监察组", cn_number(n)),
            Level::County => format!(
                "{}纪委监委派驻{}纪检监察组",
                region.1,
                name.trim_start_matches(region.1)
            ),
        };
        let dept = Department {
            id: id.clone(),
            name,
            level,
            region_code: region.0.to_owned(),
            region_name: region.1.to_owned(),
            credit_code: format!(
                "11{}MB{:07}{}",
                region.0,
                1_000_000 + n * 7919 % 1_000_000,
                (b'A' + (n % 26) as u8) as char
            ),
            discipline_body: DisciplineBody {
                id: format!("J{n:03}"),
                name: body_name,
                contact: Some(person(rng)),
                phone: Some(format!("0531-8{:07}", rng.range(0, 9_999_999))),
            },
        };
        let mut my_items = Vec::new();
        let mut k = 0;
        for topic in topics {
            let variants = rng.range(2, 4) as usize;
            for suffix in ITEM_SUFFIXES.iter().take(variants) {
                k += 1;
                let item = make_item(rng, &id, region.0, n, k, &format!("{topic}{suffix}"));
                my_items.push(items.len());
                items.push(item);
            }
        }
        depts.push(DeptSpec {
            dept,
            // A floor on volume: even the quietest department reports several records every
            // working day (at the default 200+ cases/day), so an honest department is never
            // mistaken for a silent one (docs/feedsim.md).
            weight: weight.max(3.0),
            p_yellow: 0.02 + rng.f64() * 0.08,
            p_red: 0.004 + rng.f64() * 0.025,
            items: my_items,
        });
    };
    for (name, topics, w) in CITY_DEPTS {
        push(
            &mut rng,
            &mut depts,
            (*name).to_owned(),
            Level::City,
            CITY_REGION,
            topics,
            *w,
        );
    }
    for region in COUNTIES {
        for (suffix, topics, w) in COUNTY_DEPTS {
            push(
                &mut rng,
                &mut depts,
                format!("{}{suffix}", region.1),
                Level::County,
                *region,
                topics,
                *w,
            );
        }
    }
    (depts, items)
}

fn make_item(
    rng: &mut Rng,
    dept_id: &str,
    region: &str,
    dept_no: usize,
    k: usize,
    name: &str,
) -> Item {
    let immediate = rng.chance(0.15);
    let (promised, statutory, case_type) = if immediate {
        let st = [1, 3, 5][rng.index(3)];
        (
            Limit {
                value: 1,
                unit: LimitUnit::G,
            },
            Limit {
                value: st,
                unit: LimitUnit::G,
            },
            CaseType::Immediate,
        )
    } else if rng.chance(0.1) {
        let p = [15, 30, 60][rng.index(3)];
        (
            Limit {
                value: p,
                unit: LimitUnit::Z,
            },
            Limit {
                value: p * 2,
                unit: LimitUnit::Z,
            },
            CaseType::Promised,
        )
    } else {
        let p = [3, 5, 5, 7, 10, 10, 15, 20][rng.index(8)];
        let st = match p {
            0..=10 => 20,
            11..=15 => 30,
            _ => 45,
        };
        (
            Limit {
                value: p,
                unit: LimitUnit::G,
            },
            Limit {
                value: st,
                unit: LimitUnit::G,
            },
            CaseType::Promised,
        )
    };
    let item_type = if name.contains("登记") || name.contains("备案") || name.contains("认定")
    {
        ItemType::Confirmation
    } else if name.contains("补助") || name.contains("申领") {
        ItemType::Benefit
    } else if name.contains("审核") || name.contains("办理") {
        ItemType::PublicService
    } else {
        ItemType::Licensing
    };
    let special_procedure = if !immediate && rng.chance(0.35) {
        Some(["专家评审", "现场核查", "听证", "检验检测", "公示"][rng.index(5)].to_owned())
    } else {
        None
    };
    Item {
        code: format!("{region}-{dept_no:02}-{k:03}-{dept_id}"),
        basic_code: format!("{:02}{dept_no:03}{k:03}", item_type_no(item_type)),
        name: name.to_owned(),
        item_type,
        department_id: dept_id.to_owned(),
        statutory_limit: statutory,
        promised_limit: promised,
        case_type,
        special_procedure,
    }
}

fn item_type_no(t: ItemType) -> u32 {
    match t {
        ItemType::Licensing => 1,
        ItemType::Benefit => 5,
        ItemType::Confirmation => 7,
        ItemType::PublicService => 20,
        _ => 10,
    }
}

fn cn_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", D[n % 10]),
        _ if n.is_multiple_of(10) => format!("{}十", D[n / 10]),
        _ => format!("{}十{}", D[n / 10], D[n % 10]),
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "华",
    "建国", "晓燕", "志强", "丽", "俊",
];

/// A handler's name.
pub fn person(rng: &mut Rng) -> String {
    format!(
        "{}{}",
        SURNAMES[rng.index(SURNAMES.len())],
        GIVEN[rng.index(GIVEN.len())]
    )
}
