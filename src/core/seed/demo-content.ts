import type { CaseType, ComplaintGrade, ServiceKind } from '../modules/cases/index.ts';

/**
 * The words of the demo: names, places, products and what customers of a home-appliance maker
 * write to its service centre, in Chinese and English. Placeholders in braces ({p}, {o}, ...) are
 * filled per case by demo-data.ts.
 */

export type CatCode = 'product' | 'delivery' | 'billing' | 'staff' | 'process' | 'repair' | 'account' | 'other';
export type Lang = 'zh' | 'en';

// ---------------------------------------------------------------------------------------------
// People and places

/** Surname, pinyin, relative frequency. */
export const SURNAMES: Array<[string, string, number]> = [
  ['王', 'wang', 10], ['李', 'li', 10], ['张', 'zhang', 9], ['刘', 'liu', 8], ['陈', 'chen', 7], ['杨', 'yang', 5],
  ['黄', 'huang', 4], ['赵', 'zhao', 4], ['吴', 'wu', 4], ['周', 'zhou', 4], ['徐', 'xu', 3], ['孙', 'sun', 3],
  ['马', 'ma', 3], ['朱', 'zhu', 3], ['胡', 'hu', 3], ['郭', 'guo', 3], ['何', 'he', 2], ['高', 'gao', 2],
  ['林', 'lin', 2], ['罗', 'luo', 2], ['郑', 'zheng', 2], ['梁', 'liang', 2], ['谢', 'xie', 2], ['宋', 'song', 2],
  ['唐', 'tang', 2], ['韩', 'han', 2], ['冯', 'feng', 2], ['邓', 'deng', 2], ['曹', 'cao', 1], ['彭', 'peng', 1],
  ['曾', 'zeng', 1], ['肖', 'xiao', 1], ['田', 'tian', 1], ['董', 'dong', 1], ['袁', 'yuan', 1], ['潘', 'pan', 1],
  ['蒋', 'jiang', 1], ['蔡', 'cai', 1], ['杜', 'du', 1], ['叶', 'ye', 1], ['程', 'cheng', 1], ['魏', 'wei', 1],
  ['苏', 'su', 1], ['丁', 'ding', 1], ['任', 'ren', 1], ['沈', 'shen', 1], ['欧阳', 'ouyang', 0.3], ['上官', 'shangguan', 0.1],
];

/** Given name, pinyin, 'm' | 'f'. */
export const GIVEN_NAMES: Array<[string, string, 'm' | 'f']> = [
  ['伟', 'wei', 'm'], ['强', 'qiang', 'm'], ['磊', 'lei', 'm'], ['军', 'jun', 'm'], ['勇', 'yong', 'm'], ['杰', 'jie', 'm'],
  ['涛', 'tao', 'm'], ['斌', 'bin', 'm'], ['超', 'chao', 'm'], ['明辉', 'minghui', 'm'], ['建国', 'jianguo', 'm'],
  ['志强', 'zhiqiang', 'm'], ['海波', 'haibo', 'm'], ['俊杰', 'junjie', 'm'], ['浩然', 'haoran', 'm'], ['子轩', 'zixuan', 'm'],
  ['宇航', 'yuhang', 'm'], ['晓东', 'xiaodong', 'm'], ['文博', 'wenbo', 'm'], ['国庆', 'guoqing', 'm'], ['鹏飞', 'pengfei', 'm'],
  ['德华', 'dehua', 'm'], ['嘉诚', 'jiacheng', 'm'], ['一鸣', 'yiming', 'm'],
  ['芳', 'fang', 'f'], ['娜', 'na', 'f'], ['敏', 'min', 'f'], ['静', 'jing', 'f'], ['丽', 'li', 'f'], ['艳', 'yan', 'f'],
  ['婷', 'ting', 'f'], ['雪', 'xue', 'f'], ['琳', 'lin', 'f'], ['欣怡', 'xinyi', 'f'], ['雨桐', 'yutong', 'f'],
  ['思琪', 'siqi', 'f'], ['梓涵', 'zihan', 'f'], ['晓燕', 'xiaoyan', 'f'], ['秀英', 'xiuying', 'f'], ['丽娟', 'lijuan', 'f'],
  ['佳怡', 'jiayi', 'f'], ['慧敏', 'huimin', 'f'], ['婉清', 'wanqing', 'f'], ['诗涵', 'shihan', 'f'], ['美玲', 'meiling', 'f'],
  ['春梅', 'chunmei', 'f'], ['玉兰', 'yulan', 'f'], ['梦瑶', 'mengyao', 'f'],
];

export const EN_FIRST: Array<[string, 'm' | 'f']> = [
  ['James', 'm'], ['David', 'm'], ['Michael', 'm'], ['Robert', 'm'], ['Daniel', 'm'], ['Thomas', 'm'], ['Mark', 'm'],
  ['Paul', 'm'], ['Kevin', 'm'], ['Ryan', 'm'], ['Lucas', 'm'], ['Hiroshi', 'm'], ['Arjun', 'm'], ['Pierre', 'm'],
  ['Sarah', 'f'], ['Emma', 'f'], ['Olivia', 'f'], ['Jessica', 'f'], ['Laura', 'f'], ['Anna', 'f'], ['Rachel', 'f'],
  ['Sophie', 'f'], ['Linda', 'f'], ['Grace', 'f'], ['Chloe', 'f'], ['Mei', 'f'], ['Priya', 'f'], ['Isabel', 'f'],
];
export const EN_LAST = [
  'Smith', 'Johnson', 'Brown', 'Miller', 'Wilson', 'Taylor', 'Anderson', 'Clarke', 'Walker', 'Wright', 'Mueller',
  'Schmidt', 'Dubois', 'Martin', 'Rossi', 'Tanaka', 'Kim', 'Patel', 'Nguyen', 'OBrien', 'Fischer', 'Jensen', 'Lopez', 'Evans',
];

export interface City {
  zh: string;
  en: string;
  region: string;
  districts: Array<[string, string]>;
  weight: number;
  /** Weight for English-speaking customers. */
  enWeight: number;
}

export const CITIES: City[] = [
  { zh: '北京', en: 'Beijing', region: '华北区', districts: [['朝阳区', 'Chaoyang'], ['海淀区', 'Haidian'], ['丰台区', 'Fengtai'], ['东城区', 'Dongcheng']], weight: 18, enWeight: 25 },
  { zh: '上海', en: 'Shanghai', region: '华东区', districts: [['浦东新区', 'Pudong'], ['徐汇区', 'Xuhui'], ['闵行区', 'Minhang'], ['静安区', "Jing'an"]], weight: 20, enWeight: 35 },
  { zh: '广州', en: 'Guangzhou', region: '华南区', districts: [['天河区', 'Tianhe'], ['越秀区', 'Yuexiu'], ['番禺区', 'Panyu']], weight: 14, enWeight: 10 },
  { zh: '深圳', en: 'Shenzhen', region: '华南区', districts: [['南山区', 'Nanshan'], ['福田区', 'Futian'], ['龙岗区', 'Longgang']], weight: 14, enWeight: 20 },
  { zh: '成都', en: 'Chengdu', region: '西南区', districts: [['高新区', 'Gaoxin'], ['武侯区', 'Wuhou'], ['锦江区', 'Jinjiang']], weight: 10, enWeight: 5 },
  { zh: '杭州', en: 'Hangzhou', region: '华东区', districts: [['西湖区', 'Xihu'], ['滨江区', 'Binjiang']], weight: 8, enWeight: 3 },
  { zh: '南京', en: 'Nanjing', region: '华东区', districts: [['鼓楼区', 'Gulou'], ['江宁区', 'Jiangning']], weight: 5, enWeight: 1 },
  { zh: '武汉', en: 'Wuhan', region: '华中区', districts: [['洪山区', 'Hongshan'], ['武昌区', 'Wuchang']], weight: 5, enWeight: 1 },
  { zh: '重庆', en: 'Chongqing', region: '西南区', districts: [['渝北区', 'Yubei'], ['江北区', 'Jiangbei']], weight: 4, enWeight: 0 },
  { zh: '天津', en: 'Tianjin', region: '华北区', districts: [['南开区', 'Nankai'], ['河西区', 'Hexi']], weight: 2, enWeight: 0 },
];

export const COMPANY_WORDS = ['华信', '锦程', '恒泰', '美居', '瑞丰', '天成', '嘉和', '宏达', '新世纪', '安康', '东方', '长城', '汇通', '博远'];
export const COMPANY_KINDS = ['商贸', '物业管理', '酒店管理', '科技', '餐饮管理', '教育科技', '健康管理', '置业', '文化传媒', '连锁超市'];
export const EN_COMPANY_WORDS = ['Northwind', 'Bluewater', 'Harbor', 'Apex', 'Silverline', 'Evergreen', 'Pacific Rim', 'Lotus', 'Redwood', 'Meridian'];
export const EN_COMPANY_KINDS = ['Trading Co., Ltd.', 'Hotels', 'International School', 'Consulting', 'Serviced Apartments', 'Coworking', 'Restaurants Group'];

export const TECH_NAMES: Array<[string, string]> = [['孙师傅', 'Mr Sun'], ['何师傅', 'Mr He'], ['马师傅', 'Mr Ma'], ['韩师傅', 'Mr Han']];
export const AGENT_NAMES: Array<[string, string]> = [['张晓', 'Zhang Xiao'], ['陈明', 'Chen Ming'], ['刘洋', 'Liu Yang'], ['黄婷', 'Huang Ting'], ['Emily', 'Emily']];
export const SLOTS: Array<[string, string]> = [
  ['工作日上午9点到12点', 'weekday mornings (9-12)'],
  ['下午2点以后', 'any afternoon after 2 pm'],
  ['晚上6点以后', 'after 6 pm'],
  ['周六全天', 'any time on Saturday'],
  ['明天上午', 'tomorrow morning'],
];

// ---------------------------------------------------------------------------------------------
// Products

export interface Product {
  key: string;
  zh: string;
  en: string;
  model: string;
  features: Array<[string, string]>;
  symptoms: Array<[string, string]>;
}

export const PRODUCTS: Product[] = [
  {
    key: 'ac', zh: '变频空调', en: 'inverter air conditioner', model: 'KF-35GW',
    features: [['WiFi远程控制', 'Wi-Fi remote control'], ['睡眠静音模式', 'a quiet sleep mode'], ['自清洁', 'self-cleaning']],
    symptoms: [['不制冷', 'not cooling at all'], ['外机噪音很大', 'making a loud noise from the outdoor unit'], ['显示E4故障码', 'showing error code E4'], ['室内机漏水', 'leaking water from the indoor unit']],
  },
  {
    key: 'washer', zh: '滚筒洗衣机', en: 'front-load washing machine', model: 'W10-Pro',
    features: [['烘干功能', 'a drying function'], ['除菌洗', 'an anti-bacterial wash'], ['APP远程启动', 'remote start from the app']],
    symptoms: [['不脱水', 'not spinning'], ['门锁打不开', 'refusing to unlock the door'], ['运转时剧烈晃动', 'shaking violently during the spin'], ['显示E21故障码', 'showing error code E21']],
  },
  {
    key: 'purifier', zh: '净水器', en: 'water purifier', model: 'R500',
    features: [['滤芯寿命提醒', 'filter-life reminders'], ['即热出水', 'instant hot water'], ['TDS水质显示', 'a TDS water-quality display']],
    symptoms: [['不出水', 'not dispensing any water'], ['滤芯提示灯一直亮', 'showing the filter warning light all the time'], ['机器底部漏水', 'leaking from the bottom'], ['出水有异味', 'giving water with an odd taste']],
  },
  {
    key: 'robot', zh: '扫地机器人', en: 'robot vacuum', model: 'X7',
    features: [['自动集尘', 'automatic dust emptying'], ['拖地功能', 'mopping'], ['分区清扫', 'room-by-room cleaning']],
    symptoms: [['无法自动回充', 'no longer returning to its dock'], ['APP连接不上', 'unable to connect to the app'], ['主刷不转', 'not turning its main brush'], ['频繁卡住报错', 'getting stuck and reporting errors']],
  },
  {
    key: 'heater', zh: '电热水器', en: 'electric water heater', model: 'H60',
    features: [['预约加热', 'scheduled heating'], ['防电墙', 'an anti-shock barrier'], ['速热模式', 'a fast-heating mode']],
    symptoms: [['不加热', 'not heating'], ['安全阀滴水', 'dripping from the safety valve'], ['显示E3故障码', 'showing error code E3'], ['水温忽冷忽热', 'switching between hot and cold']],
  },
  {
    key: 'dishwasher', zh: '洗碗机', en: 'dishwasher', model: 'D8',
    features: [['热风烘干', 'hot-air drying'], ['高温除菌', 'high-temperature sterilisation'], ['嵌入式安装', 'built-in installation']],
    symptoms: [['洗不干净', 'not getting the dishes clean'], ['不排水', 'not draining'], ['门关不严', 'not closing properly']],
  },
  {
    key: 'airpurifier', zh: '空气净化器', en: 'air purifier', model: 'A3',
    features: [['甲醛数值显示', 'formaldehyde readings'], ['夜间静音', 'a night mode'], ['滤网更换提醒', 'filter-change reminders']],
    symptoms: [['风扇有异响', 'rattling from the fan'], ['传感器数值不准', 'showing wrong sensor readings'], ['开机几分钟就自动关机', 'switching itself off after a few minutes']],
  },
  {
    key: 'lock', zh: '智能门锁', en: 'smart door lock', model: 'L2',
    features: [['人脸识别', 'face recognition'], ['临时密码', 'temporary passcodes'], ['远程开锁', 'remote unlocking']],
    symptoms: [['指纹识别经常失灵', 'often failing to read fingerprints'], ['电池耗电特别快', 'draining its batteries very fast'], ['门锁一直报警', 'sounding its alarm constantly']],
  },
];

// ---------------------------------------------------------------------------------------------
// Scenarios: what a customer writes, and how it ends

export interface Text {
  /** Subject variants. */
  s: string[];
  d: string;
  r: string;
  res: Array<{ cause: string; solution: string; comp?: string }>;
}

export interface Scenario {
  id: string;
  type: CaseType;
  cat: CatCode;
  grade?: ComplaintGrade;
  sensitive?: boolean;
  kind?: ServiceKind;
  /** Uses this product instead of a random one. */
  product?: string;
  /** Social-media spam, closed as such. */
  spam?: boolean;
  /** Only customers that are companies write this. */
  companyOnly?: boolean;
  /** Corrective action (整改措施) when this is graded important or urgent; else the category's. */
  ca?: [string, string];
  weight?: number;
  zh: Text;
  en: Text;
}

export const SCENARIOS: Scenario[] = [
  // ----- 咨询 inquiry
  {
    id: 'inq-feature', type: 'inquiry', cat: 'product', weight: 1.4,
    zh: {
      s: ['咨询{p}{m}是否支持{feature}', '{p}{m}有没有{feature}？', '{m}型号的{feature}怎么用'],
      d: '您好，我想买一台{p}，看中了{m}这个型号。请问是否支持{feature}？家里房间大概{area}平米，这个型号合适吗？',
      r: '希望客服介绍一下功能和适用面积',
      res: [{ cause: '售前咨询：产品功能与选型', solution: '已告知客户{m}支持{feature}，适用面积{area}平米以内，并发送了产品说明书和选购指南链接。' }],
    },
    en: {
      s: ['Does the {m} {p} support {feature}?', 'Question about the {m} {p}', 'Pre-sales question: {m}'],
      d: 'Hi, I am thinking of buying the {m} {p}. Does it support {feature}? It is for a room of about {area} square metres - is this model the right size?',
      r: 'Please explain the features and the recommended room size.',
      res: [{ cause: 'Pre-sales question about features', solution: 'Confirmed that the {m} supports {feature} and suits rooms up to {area} m²; sent the manual and the buying guide.' }],
    },
  },
  {
    id: 'inq-order', type: 'inquiry', cat: 'delivery', weight: 1.6,
    zh: {
      s: ['订单{o}什么时候发货？', '查询订单{o}物流进度', '{p}下单{n}天了还没发货'],
      d: '我{date}在官方商城下单买了{p}，订单号{o}，到现在物流信息还没有更新，请帮忙查一下什么时候能送到。',
      r: '告知预计送达时间',
      res: [
        { cause: '订单在区域仓排队出库', solution: '已查询物流，包裹已于今日出库，预计2天内送达，运单号已短信发送给客户。' },
        { cause: '物流信息同步延迟', solution: '已核实包裹已到达当地配送站，预计明天送达，已告知客户配送员电话。' },
      ],
    },
    en: {
      s: ['When will order {o} ship?', 'Tracking for order {o}', 'Order {o} still not shipped'],
      d: 'I ordered a {p} from your online store on {date} (order {o}) and the tracking has not been updated since. Could you check when it will arrive?',
      r: 'Tell me the expected delivery date.',
      res: [
        { cause: 'Order waiting for dispatch at the regional warehouse', solution: 'The parcel left the warehouse today and should arrive within 2 days; the tracking number was sent by SMS.' },
        { cause: 'Delayed tracking updates', solution: 'The parcel is already at the local depot and will be delivered tomorrow; shared the courier’s contact number.' },
      ],
    },
  },
  {
    id: 'inq-invoice', type: 'inquiry', cat: 'billing', companyOnly: true,
    zh: {
      s: ['如何开具增值税专用发票', '发票抬头开错了能重开吗', '咨询开票流程'],
      d: '我们公司在贵司采购了{q}台{p}，订单{o}，财务需要增值税专用发票，请问需要提供哪些资料，多久能开出来？',
      r: '告知开票所需资料和时间',
      res: [{ cause: '客户咨询开票流程', solution: '已告知需提供公司名称、税号、开户行及账号、注册地址和电话，提交后3个工作日内开具电子专票并发送至邮箱。' }],
    },
    en: {
      s: ['How do I get a VAT special invoice?', 'Invoice issued to the wrong company name', 'Question about invoicing'],
      d: 'Our company bought {q} units of the {p} (order {o}). Our finance team needs a VAT special invoice - what details do you need and how long does it take?',
      r: 'Please tell me what you need for the invoice and when it will be issued.',
      res: [{ cause: 'Question about the invoicing process', solution: 'Explained the company details needed (name, tax number, bank and account, registered address); the e-invoice is issued within 3 working days of receipt.' }],
    },
  },
  {
    id: 'inq-points', type: 'inquiry', cat: 'account',
    zh: {
      s: ['会员积分怎么兑换？', '积分快过期了怎么使用', '会员积分能抵现金吗'],
      d: '我的会员账户里有{pts}积分，看到说年底清零，请问可以兑换什么？能不能在买滤芯的时候抵扣？',
      r: '告知积分使用方法',
      res: [{ cause: '会员权益咨询', solution: '已告知积分可在商城“积分兑换”页面兑换滤芯、配件和优惠券，100积分抵1元，年底前有效。' }],
    },
    en: {
      s: ['How do I use my loyalty points?', 'My points expire soon', 'Can points be used as cash?'],
      d: 'I have {pts} points in my member account and I read they expire at the end of the year. What can I redeem them for? Can I use them when buying filters?',
      r: 'Explain how to use the points.',
      res: [{ cause: 'Membership benefits question', solution: 'Explained that points can be redeemed for filters, accessories and coupons in the store (100 points = 1 yuan), valid until year end.' }],
    },
  },
  {
    id: 'inq-warranty', type: 'inquiry', cat: 'repair', weight: 1.2,
    zh: {
      s: ['{p}保修期是多久？', '过保维修怎么收费', '咨询{p}保修政策'],
      d: '家里的{p}是{year}年买的，型号{m}，想问一下整机保修几年，核心部件是不是单独保修？过了保修期上门维修怎么收费？',
      r: '告知保修期限和收费标准',
      res: [{ cause: '保修政策咨询', solution: '已告知整机保修3年、核心部件保修6年，过保上门检测费50元，配件按官方价目表收费，维修后配件保修90天。' }],
    },
    en: {
      s: ['How long is the warranty on the {p}?', 'Cost of out-of-warranty repairs', 'Warranty question'],
      d: 'We bought our {m} {p} in {year}. How many years is the warranty, and are the core parts covered separately? What do you charge for a home visit once the warranty has expired?',
      r: 'Tell me the warranty period and the repair charges.',
      res: [{ cause: 'Warranty policy question', solution: 'Explained: 3 years on the whole unit, 6 years on core parts; after that a 50 yuan call-out fee plus parts at list price, with 90 days warranty on replaced parts.' }],
    },
  },
  {
    id: 'inq-return', type: 'inquiry', cat: 'process',
    zh: {
      s: ['七天无理由退货怎么办理？', '收到的{p}不想要了能退吗', '咨询退货运费'],
      d: '{date}收到的{p}，还没拆封，家里人又买了一台，想退货，请问流程是怎样的？运费谁承担？',
      r: '告知退货流程',
      res: [{ cause: '退货政策咨询', solution: '已告知未拆封商品支持7天无理由退货，在订单页提交申请后快递上门取件，无理由退货运费由客户承担。' }],
    },
    en: {
      s: ['How do I return an unopened {p}?', 'Return policy question', 'Who pays for return shipping?'],
      d: 'The {p} arrived on {date} and is still sealed - we ended up buying another one. How do I return it, and who pays the shipping?',
      r: 'Explain the return process.',
      res: [{ cause: 'Return policy question', solution: 'Explained the 7-day no-reason return for unopened goods: request it on the order page and a courier collects; shipping is paid by the customer for no-reason returns.' }],
    },
  },
  {
    id: 'inq-store', type: 'inquiry', cat: 'other',
    zh: {
      s: ['{city}有没有线下体验店？', '{city}售后网点地址和营业时间', '想去门店看实物'],
      d: '请问{city}有没有线下体验店或者售后服务网点？周末营业吗？想过去看看{p}的实物。',
      r: '告知门店地址和营业时间',
      res: [{ cause: '门店信息咨询', solution: '已告知{city}服务网点地址、营业时间（周一至周日 9:00-18:00）及联系电话。' }],
    },
    en: {
      s: ['Is there a showroom in {city}?', 'Service centre opening hours in {city}', 'Where can I see the {p}?'],
      d: 'Do you have a showroom or a service point in {city}? Is it open at weekends? I would like to see the {p} before buying.',
      r: 'Tell me the address and opening hours.',
      res: [{ cause: 'Store information request', solution: 'Sent the {city} service point address, opening hours (daily 9:00-18:00) and phone number.' }],
    },
  },
  {
    id: 'inq-tradein', type: 'inquiry', cat: 'product',
    zh: {
      s: ['以旧换新活动怎么参加？', '旧{p}能折价多少', '咨询以旧换新补贴'],
      d: '看到官网有以旧换新活动，我家有一台用了八年的旧{p}，能折价多少？需要自己送过去吗？',
      r: '告知以旧换新规则',
      res: [{ cause: '活动咨询', solution: '已告知以旧换新补贴标准（按品类最高补贴300元），下单时勾选以旧换新，送新机时同步上门回收旧机。' }],
    },
    en: {
      s: ['How does the trade-in offer work?', 'Trade-in value of an old {p}', 'Trade-in question'],
      d: 'I saw the trade-in offer on your website. We have an eight-year-old {p} - how much would it be worth, and do I have to bring it in myself?',
      r: 'Explain the trade-in rules.',
      res: [{ cause: 'Promotion question', solution: 'Explained the trade-in allowance (up to 300 yuan by category); tick trade-in when ordering and the old unit is collected on delivery.' }],
    },
  },
  {
    id: 'inq-phone', type: 'inquiry', cat: 'account',
    zh: {
      s: ['如何修改账户绑定的手机号', '换了手机号登录不了', '收不到登录验证码'],
      d: '我原来的手机号已经停用了，收不到验证码，登录不了会员账户，请问怎么更换绑定的手机号？',
      r: '协助更换绑定手机号',
      res: [{ cause: '账户安全设置咨询', solution: '已指导客户通过“账户安全-更换手机号”使用邮箱验证完成换绑，客户已能正常登录。' }],
    },
    en: {
      s: ['How do I change the phone number on my account?', 'Cannot log in after changing my number', 'Not receiving login codes'],
      d: 'My old mobile number is no longer in use, so I cannot receive the login code. How do I change the phone number linked to my member account?',
      r: 'Help me change the linked number.',
      res: [{ cause: 'Account settings question', solution: 'Walked the customer through Account security > Change phone number using e-mail verification; they can log in again.' }],
    },
  },
  {
    id: 'inq-spam', type: 'inquiry', cat: 'other', spam: true, weight: 0.12,
    zh: {
      s: ['【福利】加V领取免费家电', '低价代购各品牌家电，私聊'],
      d: '全网最低价！各品牌家电代购，加微信领取优惠券，名额有限先到先得！！！',
      r: '',
      res: [{ cause: '广告信息', solution: '非客户诉求' }],
    },
    en: {
      s: ['[PROMO] Free appliances - message me', 'Cheap appliances, DM for prices'],
      d: 'Lowest prices anywhere!!! All brands, DM me for a coupon, limited places!!!',
      r: '',
      res: [{ cause: 'Advertising', solution: 'Not a customer request' }],
    },
  },

  // ----- 投诉 complaint
  {
    id: 'cmp-quality', type: 'complaint', cat: 'product', grade: 'general', weight: 1.4,
    zh: {
      s: ['{p}买了不到一个月就坏了', '投诉{p}质量问题', '新买的{p}{symptom}'],
      d: '我{date}买的{p}（型号{m}），用了不到一个月就{symptom}，新机器就这样，质量太让人失望了。',
      r: '要求免费上门维修，如果再出问题要求换新机',
      res: [
        { cause: '经检测为主控板元器件故障，属产品质量问题', solution: '已安排工程师上门更换主控板，运行测试正常。', comp: '赠送一年延保服务' },
        { cause: '出厂装配时连接线松动', solution: '工程师上门重新紧固并全面检测，机器恢复正常。' },
      ],
    },
    en: {
      s: ['My {p} broke down within a month', 'Complaint about the quality of the {p}', 'Brand-new {p} already faulty'],
      d: 'I bought a {m} {p} on {date} and after less than a month it is already {symptom}. That is really disappointing for a brand-new unit.',
      r: 'Free on-site repair, and a replacement if it fails again.',
      res: [
        { cause: 'A faulty component on the control board (manufacturing defect)', solution: 'An engineer replaced the control board on site; the unit tested fine.', comp: 'One year of extended warranty' },
        { cause: 'A loose connector from assembly', solution: 'The engineer re-seated the connector and ran a full check; the unit works normally.' },
      ],
    },
  },
  {
    id: 'cmp-delay', type: 'complaint', cat: 'delivery', grade: 'general', weight: 1.3,
    zh: {
      s: ['快递延误{n}天，无人处理', '投诉配送严重超时', '订单{o}承诺48小时送达，{n}天还没到'],
      d: '订单{o}承诺48小时送达，结果已经过去{n}天了还没收到，打了几次电话都说在查，没有任何结果。',
      r: '尽快送货，并对延误给出解释',
      res: [{ cause: '承运商分拨中心积压导致延误，客服跟进不及时', solution: '已协调承运商加急派送，次日送达；客服主管已致电致歉。', comp: '补偿50元优惠券' }],
    },
    en: {
      s: ['Delivery {n} days late and nobody helps', 'Complaint: delivery badly overdue', 'Order {o} promised in 48 hours, still missing after {n} days'],
      d: 'Order {o} was promised within 48 hours. It is now {n} days later and nothing has arrived. I have called several times and was only told you are "checking".',
      r: 'Deliver it now and explain the delay.',
      res: [{ cause: 'Backlog at the carrier’s sorting centre, and slow follow-up by us', solution: 'Arranged express delivery with the carrier (delivered the next day); the team lead called to apologise.', comp: '50 yuan coupon' }],
    },
  },
  {
    id: 'cmp-attitude', type: 'complaint', cat: 'staff', grade: 'general', weight: 1.1,
    zh: {
      s: ['投诉客服态度恶劣', '热线客服挂我电话', '客服说话很不耐烦'],
      d: '{date}下午我打客服热线咨询退款进度，接线的客服语气很不耐烦，没说两句就挂了电话，这种服务态度让人无法接受。',
      r: '要求对该客服批评教育并向我道歉',
      res: [{ cause: '经调取录音核实，客服人员沟通不耐心、未按规范结束通话', solution: '已向客户电话致歉，对当事客服进行批评教育并安排服务规范复训。' }],
    },
    en: {
      s: ['Rude agent on your hotline', 'Your agent hung up on me', 'Complaint about an agent’s attitude'],
      d: 'On the afternoon of {date} I called your hotline about my refund. The agent was impatient and hung up on me after a few sentences. This is unacceptable.',
      r: 'I expect an apology and the agent to be spoken to.',
      res: [{ cause: 'The call recording confirmed the agent was impatient and ended the call improperly', solution: 'Apologised to the customer by phone; the agent was coached and re-trained on service standards.' }],
    },
  },
  {
    id: 'cmp-double-charge', type: 'complaint', cat: 'billing', grade: 'important', weight: 0.7,
    zh: {
      s: ['重复扣款，要求退款', '支付一次被扣了两次钱', '多扣的{amt}元至今未退'],
      d: '我在{date}支付订单{o}时页面卡住，重新支付了一次，结果被扣了两次款，共{amt}元，已经等了{n}天还没退回来。',
      r: '要求立即退还多扣的款项',
      res: [{ cause: '支付网关超时导致重复支付，自动退款任务失败', solution: '财务已人工发起退款，款项原路退回，3个工作日内到账。' }],
    },
    en: {
      s: ['Charged twice - refund please', 'Paid once, charged twice', 'Double charge of {amt} yuan not refunded'],
      d: 'When I paid for order {o} on {date} the page froze, so I paid again and was charged twice ({amt} yuan). I have waited {n} days and the money has not come back.',
      r: 'Refund the extra charge immediately.',
      res: [{ cause: 'A payment-gateway timeout caused a double payment and the automatic refund failed', solution: 'Finance issued the refund manually to the original payment method; it arrives within 3 working days.' }],
    },
  },
  {
    id: 'cmp-repair-again', type: 'complaint', cat: 'repair', grade: 'important', weight: 0.6,
    zh: {
      s: ['{p}维修了三次还是坏的', '多次维修未修好，要求换机', '一直没修好，投诉售后'],
      d: '家里的{p}从上个月开始{symptom}，已经报修过三次了，每次师傅来换个零件，过几天又坏。我请了好几次假在家等，实在受不了了。',
      r: '要求直接换新机，并赔偿误工损失',
      res: [{ cause: '前几次维修未找到根本故障（线路板虚焊），维修质量把关不严', solution: '经主管审批为客户更换同型号新机，并上门安装调试。', comp: '补偿200元误工费' }],
    },
    en: {
      s: ['{p} repaired three times and still broken', 'Repeated failed repairs - I want a replacement', 'After-sales service keeps failing'],
      d: 'Since last month our {p} keeps {symptom}. We have reported it three times; each time the engineer swaps a part and a few days later it fails again. I have taken several days off to wait at home.',
      r: 'Replace the unit and compensate for my lost time.',
      res: [{ cause: 'Earlier repairs missed the root cause (a cold solder joint on the board)', solution: 'With supervisor approval the unit was replaced with a new one, installed and tested.', comp: '200 yuan for lost time' }],
    },
  },
  {
    id: 'cmp-return-slow', type: 'complaint', cat: 'process', grade: 'general',
    zh: {
      s: ['退货审核{n}天还没通过', '退款迟迟不到账', '投诉退货流程太慢'],
      d: '我{date}申请退货（订单{o}），商品已经寄回，物流显示仓库已签收，但是退货审核一直显示处理中，联系了几次都说在走流程。',
      r: '尽快完成退款',
      res: [{ cause: '退货仓签收后质检积压，审核超时', solution: '已加急完成质检和退款审核，退款已原路退回。' }],
    },
    en: {
      s: ['Return still not approved after {n} days', 'Refund still not received', 'Complaint about the slow return process'],
      d: 'I requested a return on {date} (order {o}). The warehouse signed for the parcel but the return still says "processing", and every time I ask I am told it is "in progress".',
      r: 'Finish the refund now.',
      res: [{ cause: 'Inspection backlog at the returns warehouse', solution: 'Expedited the inspection and approval; the refund was paid to the original payment method.' }],
    },
  },
  {
    id: 'cmp-heater-shock', type: 'complaint', cat: 'product', grade: 'urgent', product: 'heater', weight: 0.3,
    ca: ['排查同批次防电墙组件并主动上门更换；安装规范增加地线检测和漏电测试步骤。', 'Checking the same batch of anti-shock barriers and replacing them proactively; installation now includes an earth and leakage test.'],
    zh: {
      s: ['电热水器漏电，差点发生安全事故', '热水器出水麻手，要求立即处理'],
      d: '今天早上洗澡时，电热水器出水口有明显的麻电感，家里老人差点摔倒！这是很严重的安全事故隐患，如果得不到妥善处理，我会向12315和媒体反映。',
      r: '立即上门检查，给出书面说明并赔偿',
      res: [{ cause: '现场检测为住户地线未接通，同时热水器防电墙组件性能不达标', solution: '当天派工程师上门断电排查，免费更换防电墙组件并协助客户联系物业整改地线；经理上门致歉并提供书面说明。', comp: '赠送一年延保并补偿500元' }],
    },
    en: {
      s: ['Electric shock from the water heater - safety hazard', 'Water heater gives shocks, act now'],
      d: 'This morning I felt an electric tingle from the water heater outlet while showering and my elderly father nearly fell. This is a serious safety hazard; if it is not handled properly I will report it to the regulator and the press.',
      r: 'Inspect it today, give me a written explanation and compensation.',
      res: [{ cause: 'The flat’s earth wire was disconnected and the heater’s anti-shock barrier was below specification', solution: 'An engineer isolated the unit the same day, replaced the barrier free of charge and helped the customer get the earthing fixed; the manager visited to apologise and gave a written report.', comp: 'One year of extended warranty and 500 yuan' }],
    },
  },
  {
    id: 'cmp-floor-damage', type: 'complaint', cat: 'delivery', grade: 'urgent', weight: 0.25,
    ca: ['配送商上岗培训增加搬运规范，入户必须铺设保护垫；入户损坏由配送商先行赔付。', 'Delivery crews are retrained on handling and must lay protective mats; the contractor pays for in-home damage first.'],
    zh: {
      s: ['送货师傅损坏地板拒不赔偿', '安装时砸坏家具，推诿不管'],
      d: '{date}送货安装{p}时，师傅搬运不小心把我家实木地板砸出一个大坑，当时承认了，事后却说不归他们管。再不处理我就去消协投诉。',
      r: '要求赔偿地板维修费用',
      res: [{ cause: '配送服务商人员搬运操作不规范，事后推诿', solution: '经理上门查看并与客户协商，由配送服务商承担地板修复费用，已修复完毕。', comp: '赔偿地板修复费用{amt}元' }],
    },
    en: {
      s: ['Delivery crew damaged my floor and refuse to pay', 'Furniture damaged during installation'],
      d: 'When your crew delivered and installed the {p} on {date}, they dropped it and left a deep dent in our hardwood floor. They admitted it at the time but now say it is not their responsibility. If this is not resolved I will take it to the consumer association.',
      r: 'Pay for the floor repair.',
      res: [{ cause: 'Careless handling by the delivery contractor, who then refused responsibility', solution: 'The manager inspected the damage and agreed with the customer that the contractor pays for the repair, which has been completed.', comp: '{amt} yuan for the floor repair' }],
    },
  },
  {
    id: 'cmp-extra-fee', type: 'complaint', cat: 'staff', grade: 'important', weight: 0.5,
    ca: ['安装收费项目在APP公示，现场收费必须扫码支付并开票；安装回访增加收费核实。', 'Installation charges are published in the app, on-site fees must be paid by QR code with a receipt, and follow-up calls check what was charged.'],
    zh: {
      s: ['安装师傅私自收费', '安装被多收了{amt}元', '投诉安装人员乱收费'],
      d: '{date}安装{p}时，师傅说需要加装支架和铜管，收了我{amt}元现金，不给发票。后来我看官网写着标准安装是免费的，感觉被骗了。',
      r: '要求退还多收的费用，并对安装师傅严肃处理',
      res: [{ cause: '安装人员违规收取额外费用', solution: '已核实并全额退还客户费用，对安装人员停单处理，网点被处罚。', comp: '退还{amt}元并赠送清洗服务一次' }],
    },
    en: {
      s: ['Installer charged me extra in cash', 'Overcharged {amt} yuan for installation', 'Complaint about installation fees'],
      d: 'When the {p} was installed on {date}, the installer said I needed an extra bracket and pipes and took {amt} yuan in cash without a receipt. Your website says standard installation is free. I feel cheated.',
      r: 'Refund the extra fee and deal with the installer.',
      res: [{ cause: 'The installer charged unauthorised fees', solution: 'Refunded the full amount; the installer was suspended and the service partner fined.', comp: 'Refund of {amt} yuan plus a free cleaning service' }],
    },
  },
  {
    id: 'cmp-member-downgrade', type: 'complaint', cat: 'account', grade: 'general', weight: 0.7,
    zh: {
      s: ['会员等级被无故降级', '金卡会员权益突然没了'],
      d: '我一直是金卡会员，这个月突然变成了普通会员，之前的生日券和免费安装权益都没了，也没有任何通知。',
      r: '恢复会员等级和权益',
      res: [{ cause: '会员等级规则调整时系统批量计算有误', solution: '已恢复客户金卡等级及相关权益，并补发生日券。' }],
    },
    en: {
      s: ['Membership downgraded without notice', 'My gold member benefits disappeared'],
      d: 'I have been a gold member for years, and this month I was suddenly downgraded to a standard member. My birthday coupon and free installation are gone, without any notice.',
      r: 'Restore my membership level and benefits.',
      res: [{ cause: 'An error in the batch recalculation of membership levels', solution: 'Restored the gold level and its benefits and re-issued the birthday coupon.' }],
    },
  },
  {
    id: 'cmp-privacy', type: 'complaint', cat: 'staff', grade: 'important', sensitive: true, weight: 0.12,
    ca: ['收回服务网点的客户资料导出权限，上门工单隐藏完整地址和电话，改用虚拟号码联系。', 'Service partners can no longer export customer data; work orders hide full address and phone and use masked numbers.'],
    zh: {
      s: ['维修人员泄露我的个人隐私', '个人信息被泄露，怀疑是上门人员所为'],
      d: '上周维修师傅上门后，我陆续接到很多推销电话，对方能准确说出我的姓名、住址和购买的产品。我怀疑是维修人员把我的信息泄露出去了，涉及个人隐私，请严肃调查。',
      r: '调查信息泄露原因并给出书面答复',
      res: [{ cause: '经调查，服务网点一名员工违规导出客户资料', solution: '已与该员工解除合同并报案，网点停业整改；已向客户书面说明处理结果。', comp: '赠送两年延保' }],
    },
    en: {
      s: ['Your engineer leaked my personal data', 'Privacy breach after a home visit'],
      d: 'Since your engineer visited last week I keep getting sales calls from people who know my name, address and the product I bought. I suspect the engineer passed my data on. This is a privacy breach - please investigate.',
      r: 'Investigate the leak and reply in writing.',
      res: [{ cause: 'An employee of the service partner exported customer data without authorisation', solution: 'The employee was dismissed and reported to the police, the service point suspended; the customer received a written report.', comp: 'Two years of extended warranty' }],
    },
  },
  {
    id: 'cmp-harass', type: 'complaint', cat: 'staff', grade: 'urgent', sensitive: true, weight: 0.08,
    ca: ['配送人员上岗前背景审查，上门服务全程记录，客户可选择同性别工程师上门。', 'Background checks for delivery staff, visits are logged end to end, and customers may ask for an engineer of the same sex.'],
    zh: {
      s: ['配送人员言语骚扰', '投诉送货人员骚扰'],
      d: '送货的师傅在我家安装时一直问我是不是一个人住，走后还加我微信发一些不合适的话，让我很害怕，这已经是性骚扰了。',
      r: '要求严肃处理该配送人员，保证他不再上门',
      res: [{ cause: '配送人员行为严重违规', solution: '已将该人员永久清退并配合客户报警处理；后续上门服务改由女性工程师提供。' }],
    },
    en: {
      s: ['Harassment by your delivery man', 'Complaint: delivery staff harassed me'],
      d: 'While installing the appliance the delivery man kept asking whether I live alone, and afterwards he added me on WeChat and sent inappropriate messages. I am frightened; this is harassment.',
      r: 'Deal with this person and make sure he never comes to my home again.',
      res: [{ cause: 'Serious misconduct by the delivery worker', solution: 'The worker was permanently removed and we supported the customer’s police report; future visits will be by a female engineer.' }],
    },
  },
  {
    id: 'cmp-id-number', type: 'complaint', cat: 'billing', grade: 'general', sensitive: true, weight: 0.1,
    zh: {
      s: ['电子发票上显示了完整身份证号', '保修登记信息泄露身份证号'],
      d: '我收到的电子发票上显示了我的完整身份证号码，而且发到了我以前填的公司邮箱，同事都能看到，这样太不安全了。',
      r: '作废原发票并说明处理措施',
      res: [{ cause: '个人开票时系统将证件号作为纳税人识别号完整显示', solution: '已作废原发票并重开（隐藏证件号），已要求系统组整改脱敏展示。' }],
    },
    en: {
      s: ['My full ID number printed on the e-invoice', 'Privacy issue with my invoice'],
      d: 'The e-invoice you sent shows my full national ID number, and it went to my old work e-mail where colleagues can see it. This is a privacy problem.',
      r: 'Cancel the invoice and tell me what you will change.',
      res: [{ cause: 'Personal invoices printed the full ID number as the taxpayer number', solution: 'Cancelled and re-issued the invoice with the number masked; the system team is fixing the masking.' }],
    },
  },

  // ----- 抱怨 dissatisfaction
  {
    id: 'dis-hotline', type: 'dissatisfaction', cat: 'process',
    zh: {
      s: ['客服热线太难打通了', '排队二十分钟才接通', '电话一直占线'],
      d: '连续两天打客服热线，每次都要排队二十多分钟，好不容易接通了又说要转到售后，又要重新排队，太耽误时间了。',
      r: '希望增加人手，缩短等待时间',
      res: [{ cause: '促销期间来电量激增，坐席排班不足', solution: '已向客户致歉并由专人回电处理其问题；已反馈运营调整高峰期排班。' }],
    },
    en: {
      s: ['Your hotline is impossible to reach', 'Waited 20 minutes on the phone', 'Hotline always busy'],
      d: 'Two days in a row I waited more than twenty minutes on your hotline, and when I finally got through I was transferred to after-sales and had to queue all over again.',
      r: 'Please add staff and cut the waiting time.',
      res: [{ cause: 'Call volume spiked during the sale and too few agents were rostered', solution: 'Apologised and had an agent call back to handle the issue; peak-time rostering was escalated to operations.' }],
    },
  },
  {
    id: 'dis-email-slow', type: 'dissatisfaction', cat: 'staff',
    zh: {
      s: ['邮件三天没人回复', '发了两封邮件都没有回音'],
      d: '我{date}发邮件咨询发票的问题，三天了没有任何回复，又催了一次也没有人理，到底有没有人在处理？',
      r: '尽快回复我的问题',
      res: [{ cause: '邮件被误分配到已离职员工的队列', solution: '已回复客户问题并致歉；邮件分配规则已修正。' }],
    },
    en: {
      s: ['No reply to my e-mail for three days', 'Two e-mails, no answer'],
      d: 'I e-mailed you about an invoice on {date}. Three days later there is still no reply, not even after a reminder. Is anyone reading these?',
      r: 'Answer my question, please.',
      res: [{ cause: 'The e-mail was routed to the queue of an agent who had left', solution: 'Answered the question and apologised; the routing rule was corrected.' }],
    },
  },
  {
    id: 'dis-packaging', type: 'dissatisfaction', cat: 'delivery',
    zh: {
      s: ['外包装破损，机器有划痕', '收到的{p}外箱破了'],
      d: '今天收到{p}，外箱破了一个大洞，机器外壳有划痕，虽然能用，但是新买的东西这样心里很不舒服。',
      r: '希望给个说法',
      res: [{ cause: '运输过程中包装受压破损', solution: '客户同意保留机器，已登记外观瑕疵（不影响保修）。', comp: '补偿100元' }],
    },
    en: {
      s: ['Box damaged and the unit scratched', 'The {p} arrived in a broken box'],
      d: 'The {p} arrived today with a big hole in the box and scratches on the casing. It works, but it is not what I expect from something brand new.',
      r: 'I would like this put right.',
      res: [{ cause: 'Packaging crushed in transit', solution: 'The customer kept the unit; the cosmetic damage is recorded so it does not affect the warranty.', comp: '100 yuan' }],
    },
  },
  {
    id: 'dis-app', type: 'dissatisfaction', cat: 'account',
    zh: {
      s: ['APP老是闪退', '更新后APP打不开了', '手机APP太难用'],
      d: '手机APP更新以后一打开就闪退，想查维修进度都查不了，太不方便了。',
      r: '尽快修复APP',
      res: [{ cause: 'APP新版本在部分安卓机型上存在兼容性问题', solution: '已告知临时使用网页版查询，APP修复版本已发布，客户更新后正常。' }],
    },
    en: {
      s: ['The app keeps crashing', 'App will not open after the update'],
      d: 'Since the latest update the app crashes as soon as I open it, so I cannot even check my repair status.',
      r: 'Fix the app.',
      res: [{ cause: 'A compatibility bug in the new app version on some Android phones', solution: 'Suggested the web portal meanwhile; the fixed version is out and works for the customer.' }],
    },
  },
  {
    id: 'dis-price-drop', type: 'dissatisfaction', cat: 'billing',
    zh: {
      s: ['刚买就降价了', '买完{n}天降价{amt}元，不给保价'],
      d: '我{date}买的{p}，才过了{n}天就降价{amt}元，感觉很亏，问客服说不保价。',
      r: '希望退还差价',
      res: [{ cause: '客户购买时不在价保活动范围内', solution: '经申请按15天价保政策为客户退还差价。', comp: '退差价{amt}元' }],
    },
    en: {
      s: ['Price dropped right after I bought it', 'Price cut {n} days after my purchase'],
      d: 'I bought the {p} on {date} and {n} days later the price dropped by {amt} yuan. Your agent said there is no price protection.',
      r: 'Refund the difference.',
      res: [{ cause: 'The purchase was outside the price-protection campaign', solution: 'Refunded the difference under the 15-day price-protection policy.', comp: '{amt} yuan price difference' }],
    },
  },
  {
    id: 'dis-noise', type: 'dissatisfaction', cat: 'product',
    zh: {
      s: ['{p}噪音比宣传的大', '晚上开着太吵了'],
      d: '宣传说是静音设计，实际晚上开着声音很大，影响睡觉，跟宣传差距太大了。',
      r: '希望上门检查是否正常',
      res: [{ cause: '噪音值在标准范围内，客户不了解睡眠模式', solution: '已指导开启睡眠静音模式，客户表示可以接受。' }],
    },
    en: {
      s: ['The {p} is much louder than advertised', 'Too noisy at night'],
      d: 'It was sold as "quiet", but at night it is loud enough to keep us awake. Nothing like the advertising.',
      r: 'Check whether this is normal.',
      res: [{ cause: 'Noise within specification; the customer had not used the sleep mode', solution: 'Showed the customer the sleep mode; they are happy with it.' }],
    },
  },
  {
    id: 'dis-appointment', type: 'dissatisfaction', cat: 'repair',
    zh: {
      s: ['上门时间一改再改', '约好的维修又改期了'],
      d: '预约的{date}上门维修，师傅临时说来不了改到第二天，第二天又改，已经改了两次了。',
      r: '希望确定时间，准时上门',
      res: [{ cause: '网点工程师排班不合理', solution: '已安排网点主管亲自确认时间，次日上午准时上门完成维修。' }],
    },
    en: {
      s: ['Repair visit rescheduled again', 'Engineer cancelled twice'],
      d: 'The repair visit was booked for {date}. The engineer postponed it to the next day, and then postponed again. That is twice now.',
      r: 'Give me a fixed time and keep it.',
      res: [{ cause: 'Poor scheduling at the service point', solution: 'The service-point lead confirmed a slot personally; the repair was done on time the next morning.' }],
    },
  },
  {
    id: 'dis-repeat-story', type: 'dissatisfaction', cat: 'staff',
    zh: {
      s: ['每次打电话都要从头讲一遍', '没有人负责到底'],
      d: '我的问题打了三次电话，每次换一个客服，每次都要从头讲一遍，没有一个人能负责到底。',
      r: '希望有专人跟进',
      res: [{ cause: '前几次来电未建单关联，交接缺失', solution: '已指定专属客服跟进并解决问题；已在班组内重申首问负责制。' }],
    },
    en: {
      s: ['I have to repeat my story every time', 'Nobody takes ownership'],
      d: 'I have called three times about the same problem, got a different agent each time and had to explain everything again. Nobody takes responsibility.',
      r: 'Give me one person who follows it up.',
      res: [{ cause: 'Earlier calls were not linked to one case, so there was no hand-over', solution: 'A named agent followed up and solved the problem; first-contact ownership was re-briefed to the team.' }],
    },
  },

  // ----- 建议 suggestion
  {
    id: 'sug-evening', type: 'suggestion', cat: 'delivery',
    zh: {
      s: ['建议增加晚间配送时段', '希望能预约周末送货安装'],
      d: '我们上班族白天不在家，希望能提供晚上7点到9点的送货安装时段，或者可以预约周末。',
      r: '增加晚间或周末预约',
      res: [{ cause: '客户建议', solution: '感谢建议，已提交配送运营部评估，{city}地区已开始试点周末预约安装。' }],
    },
    en: {
      s: ['Please offer evening deliveries', 'Weekend delivery and installation'],
      d: 'Most of us work during the day. Please offer delivery and installation between 7 and 9 pm, or at weekends.',
      r: 'Add evening or weekend slots.',
      res: [{ cause: 'Customer suggestion', solution: 'Thanked the customer; passed to delivery operations - {city} is piloting weekend installation slots.' }],
    },
  },
  {
    id: 'sug-einvoice', type: 'suggestion', cat: 'billing',
    zh: {
      s: ['建议电子发票自动发送到邮箱', '希望开票更方便'],
      d: '每次都要打电话申请发票，建议下单时就能填开票信息，发货后电子发票自动发到邮箱。',
      r: '优化开票流程',
      res: [{ cause: '客户建议', solution: '感谢建议，已反馈产品部门，下单页填写开票信息功能已列入下个版本计划。' }],
    },
    en: {
      s: ['Send e-invoices automatically', 'Make invoicing easier'],
      d: 'I have to call every time I need an invoice. Let me enter the invoice details at checkout and e-mail the e-invoice automatically after shipping.',
      r: 'Simplify invoicing.',
      res: [{ cause: 'Customer suggestion', solution: 'Thanked the customer; invoice details at checkout are planned for the next release.' }],
    },
  },
  {
    id: 'sug-service-point', type: 'suggestion', cat: 'repair',
    zh: {
      s: ['建议在{city}郊区增设售后网点', '售后网点太远了'],
      d: '我住在{city}{district}，最近的售后网点要开车一个多小时，建议在这边增加一个网点，或者提供上门取送修服务。',
      r: '增设网点或提供取送修',
      res: [{ cause: '客户建议', solution: '感谢建议，已转交售后管理部；该区域已开通免费上门取送修服务。' }],
    },
    en: {
      s: ['Please open a service point in outer {city}', 'Service point too far away'],
      d: 'I live in {district}, {city}, and the nearest service point is more than an hour’s drive. Please open one here or offer pick-up and return for repairs.',
      r: 'A nearer service point or pick-up service.',
      res: [{ cause: 'Customer suggestion', solution: 'Thanked the customer; free pick-up and return for repairs is now available in the area.' }],
    },
  },
  {
    id: 'sug-manual', type: 'suggestion', cat: 'product',
    zh: {
      s: ['说明书建议增加图示', '希望提供安装视频'],
      d: '{p}的说明书文字太多，老人看不懂，建议增加图示，或者在包装上印一个安装和使用视频的二维码。',
      r: '改进说明书',
      res: [{ cause: '客户建议', solution: '感谢建议，已反馈产品部门，官网已上线图文版快速指南和使用视频。' }],
    },
    en: {
      s: ['Add pictures to the manual', 'Please provide setup videos'],
      d: 'The {p} manual is all text and my parents cannot follow it. Please add diagrams, or print a QR code on the box linking to setup and how-to videos.',
      r: 'Improve the manual.',
      res: [{ cause: 'Customer suggestion', solution: 'Thanked the customer; an illustrated quick guide and videos are now on the website.' }],
    },
  },
  {
    id: 'sug-wechat', type: 'suggestion', cat: 'process',
    zh: {
      s: ['希望能在微信上查询维修进度', '建议开通公众号服务'],
      d: '现在查维修进度只能打电话，建议开通微信公众号查询，维修师傅出发的时候也可以推送提醒。',
      r: '增加线上查询渠道',
      res: [{ cause: '客户建议', solution: '感谢建议，服务号进度查询功能已在开发中，预计下季度上线。' }],
    },
    en: {
      s: ['Let me track repairs online', 'Repair status notifications'],
      d: 'At the moment the only way to check a repair is to phone. Please add online tracking and notify us when the engineer is on the way.',
      r: 'An online tracking channel.',
      res: [{ cause: 'Customer suggestion', solution: 'Thanked the customer; online repair tracking is in development for next quarter.' }],
    },
  },
  {
    id: 'sug-points', type: 'suggestion', cat: 'account',
    zh: {
      s: ['建议会员积分可以抵扣延保', '积分用途太少了'],
      d: '会员积分只能换优惠券，建议可以用积分兑换延保服务或者清洗服务，这样更实用。',
      r: '丰富积分用途',
      res: [{ cause: '客户建议', solution: '感谢建议，已提交会员运营部，积分兑换清洗服务已于本月上线。' }],
    },
    en: {
      s: ['Let points pay for extended warranty', 'More ways to use points'],
      d: 'Points can only be swapped for coupons. It would be more useful to redeem them for extended warranty or a cleaning service.',
      r: 'More uses for points.',
      res: [{ cause: 'Customer suggestion', solution: 'Thanked the customer; redeeming points for a cleaning service went live this month.' }],
    },
  },
  {
    id: 'sug-filter-reminder', type: 'suggestion', cat: 'product',
    zh: {
      s: ['建议滤芯到期前提前提醒', '希望提供滤芯订阅服务'],
      d: '净水器滤芯到期了才亮灯，再下单要等好几天，建议提前一个月短信提醒，或者提供滤芯定期配送服务。',
      r: '提前提醒或订阅配送',
      res: [{ cause: '客户建议', solution: '感谢建议，滤芯到期前30天短信提醒已开通，订阅配送服务正在评估。' }],
    },
    en: {
      s: ['Remind me before filters expire', 'Filter subscription, please'],
      d: 'The purifier only warns when the filter has already expired, and a new one takes days to arrive. Please remind us a month ahead or offer a filter subscription.',
      r: 'An early reminder or a subscription.',
      res: [{ cause: 'Customer suggestion', solution: 'Thanked the customer; SMS reminders 30 days before expiry are live and a subscription is being evaluated.' }],
    },
  },

  // ----- 表扬 praise
  {
    id: 'pra-tech', type: 'praise', cat: 'repair', weight: 1.3,
    zh: {
      s: ['表扬售后{tech}', '{tech}服务专业，点赞', '感谢{tech}的耐心维修'],
      d: '{tech}上门维修{p}非常专业，穿鞋套、自带垫布，修完还把地面打扫干净，讲解也很耐心，必须点赞！',
      r: '希望公司给予表扬',
      res: [{ cause: '客户表扬', solution: '已将表扬转达至售后组，并计入当月服务之星评选。' }],
    },
    en: {
      s: ['Praise for {tech}', 'Great repair service from {tech}', 'Thank you, {tech}'],
      d: '{tech} repaired our {p} and was very professional: shoe covers, a mat for his tools, cleaned up afterwards and explained everything patiently. Excellent!',
      r: 'Please pass on my thanks.',
      res: [{ cause: 'Customer praise', solution: 'Passed the praise on to the after-sales team; it counts towards the monthly service star award.' }],
    },
  },
  {
    id: 'pra-agent', type: 'praise', cat: 'staff', weight: 1.2,
    zh: {
      s: ['感谢客服{agent}耐心解答', '表扬客服{agent}', '{agent}服务很贴心'],
      d: '前几天打热线，客服{agent}非常耐心，一步一步教我设置{p}，还主动回电确认有没有弄好，服务很贴心。',
      r: '表扬该客服',
      res: [{ cause: '客户表扬', solution: '已将表扬转达给客服{agent}及其主管，计入月度考核加分。' }],
    },
    en: {
      s: ['Thanks to {agent} on your hotline', 'Praise for agent {agent}', '{agent} was really helpful'],
      d: 'A few days ago {agent} on your hotline patiently talked me through setting up the {p} step by step, and even called back to check it worked. Great service.',
      r: 'Please recognise this agent.',
      res: [{ cause: 'Customer praise', solution: 'Passed the praise on to {agent} and their supervisor; it counts in the monthly review.' }],
    },
  },
  {
    id: 'pra-delivery', type: 'praise', cat: 'delivery',
    zh: {
      s: ['送货速度很快，点赞', '配送安装一条龙，很满意'],
      d: '上午下单下午就送到了，送货师傅还帮忙把旧机器搬下楼，服务很到位。',
      r: '',
      res: [{ cause: '客户表扬', solution: '感谢客户认可，已将表扬反馈给配送服务商。' }],
    },
    en: {
      s: ['Super-fast delivery', 'Delivery and installation were great'],
      d: 'Ordered in the morning, delivered the same afternoon, and the crew even carried the old unit downstairs for us. Very good service.',
      r: '',
      res: [{ cause: 'Customer praise', solution: 'Thanked the customer and passed the praise to the delivery partner.' }],
    },
  },
  {
    id: 'pra-product', type: 'praise', cat: 'product',
    zh: {
      s: ['{p}很好用，已推荐给朋友', '{m}用了半年，很满意'],
      d: '{p}用了半年了，效果很好，噪音也小，已经推荐给好几个朋友了，希望继续保持。',
      r: '',
      res: [{ cause: '客户表扬', solution: '感谢客户认可，已将反馈转达产品团队。' }],
    },
    en: {
      s: ['Love the {p}', 'Six months with the {m}: very happy'],
      d: 'We have used the {p} for six months now and it works really well and quietly. I have already recommended it to several friends.',
      r: '',
      res: [{ cause: 'Customer praise', solution: 'Thanked the customer and passed the feedback to the product team.' }],
    },
  },
  {
    id: 'pra-store', type: 'praise', cat: 'staff',
    zh: {
      s: ['{city}门店工作人员服务热情', '表扬{city}网点'],
      d: '周末去{city}的服务网点，工作人员很热情，详细对比了几款{p}的区别，没有硬推销，体验很好。',
      r: '',
      res: [{ cause: '客户表扬', solution: '感谢客户认可，已通报表扬{city}网点。' }],
    },
    en: {
      s: ['Friendly staff at the {city} store', 'Praise for your {city} service point'],
      d: 'We visited the {city} service point at the weekend. The staff were friendly, compared several {p} models for us and never pushed a sale.',
      r: '',
      res: [{ cause: 'Customer praise', solution: 'Thanked the customer; the {city} team has been commended.' }],
    },
  },
  {
    id: 'pra-refund', type: 'praise', cat: 'process',
    zh: {
      s: ['退款处理很快，感谢', '售后处理效率高'],
      d: '申请退货后第二天就上门取件，当天退款就到账了，比预想的快很多，谢谢你们。',
      r: '',
      res: [{ cause: '客户表扬', solution: '感谢客户认可，已将反馈转达退货组。' }],
    },
    en: {
      s: ['Quick refund - thank you', 'Efficient returns'],
      d: 'The courier collected the return the day after I requested it and the refund arrived the same day. Much faster than I expected. Thank you.',
      r: '',
      res: [{ cause: 'Customer praise', solution: 'Thanked the customer and passed the feedback to the returns team.' }],
    },
  },

  // ----- 服务请求 / 报修 service_request
  {
    id: 'req-repair', type: 'service_request', cat: 'repair', kind: 'warranty', weight: 2.6,
    zh: {
      s: ['{p}报修：{symptom}', '{p}{symptom}，申请上门维修', '报修：{m}{symptom}'],
      d: '家里的{p}（型号{m}，机身编号{sn}）{symptom}，买了不到两年，还在保修期内，麻烦安排师傅上门看一下。地址：{city}{district}。',
      r: '安排上门维修',
      res: [
        { cause: '传感器故障', solution: '工程师上门更换传感器，测试运行正常，保修期内免费。' },
        { cause: '电源板元器件老化', solution: '上门更换电源板，整机检测正常，保修期内免费。' },
        { cause: '使用设置问题，非硬件故障', solution: '工程师上门恢复出厂设置并讲解正确使用方法，机器恢复正常。' },
      ],
    },
    en: {
      s: ['Repair request: {p} {symptom}', 'My {p} is {symptom}', 'Service visit needed for {m}'],
      d: 'Our {p} (model {m}, serial {sn}) is {symptom}. It is less than two years old, so still under warranty. Please send an engineer. Address: {district}, {city}.',
      r: 'Send an engineer to repair it.',
      res: [
        { cause: 'Faulty sensor', solution: 'The engineer replaced the sensor on site; tested fine. Free under warranty.' },
        { cause: 'Ageing components on the power board', solution: 'Replaced the power board on site; full check passed. Free under warranty.' },
        { cause: 'A settings issue, not a hardware fault', solution: 'The engineer reset the unit and showed how to use it; working normally.' },
      ],
    },
  },
  {
    id: 'req-repair-paid', type: 'service_request', cat: 'repair', kind: 'paid', weight: 1.2,
    zh: {
      s: ['{p}过保维修', '{p}坏了，过保了能修吗'],
      d: '家里的{p}用了五六年了，最近{symptom}，已经过了保修期，请安排师傅上门检测，先报个价。',
      r: '上门检测并报价',
      res: [{ cause: '压缩机启动电容损坏', solution: '经客户确认报价后更换启动电容，收取检测费50元和配件费120元，维修后配件保修90天。' }],
    },
    en: {
      s: ['Out-of-warranty repair for my {p}', 'Old {p} broken - can you repair it?'],
      d: 'Our {p} is five or six years old and is now {symptom}. It is out of warranty - please send someone to inspect it and give me a quote first.',
      r: 'Inspect and quote.',
      res: [{ cause: 'Failed start capacitor', solution: 'After the customer accepted the quote, replaced the capacitor: 50 yuan call-out plus 120 yuan parts, 90 days warranty on the part.' }],
    },
  },
  {
    id: 'req-install', type: 'service_request', cat: 'repair', kind: 'warranty', weight: 1.4,
    zh: {
      s: ['预约{p}安装', '新买的{p}申请上门安装', '{m}安装预约'],
      d: '新买的{p}已经送到了，订单号{o}，想预约{slot}上门安装，地址是{city}{district}。',
      r: '按预约时间上门安装',
      res: [{ cause: '新机安装', solution: '工程师已按约上门完成安装调试，并讲解使用和保养方法。' }],
    },
    en: {
      s: ['Book installation for my {p}', 'Installation appointment: {m}'],
      d: 'Our new {p} has been delivered (order {o}). Please book an installation for {slot}. Address: {district}, {city}.',
      r: 'Install it at the booked time.',
      res: [{ cause: 'New installation', solution: 'The engineer installed and tested the unit as booked and explained use and care.' }],
    },
  },
  {
    id: 'req-filter', type: 'service_request', cat: 'product', kind: 'paid', product: 'purifier',
    zh: {
      s: ['申请更换净水器滤芯', '购买滤芯并上门更换'],
      d: '净水器滤芯提示到期了，型号{m}，想购买一套原厂滤芯并请师傅上门更换。',
      r: '购买滤芯并上门更换',
      res: [{ cause: '滤芯到期更换', solution: '已下单原厂滤芯套装，工程师上门更换并冲洗管路，水质检测正常。' }],
    },
    en: {
      s: ['Filter replacement for my purifier', 'Buy and fit new filters'],
      d: 'The purifier ({m}) says the filters have expired. I would like to buy a set of original filters and have an engineer fit them.',
      r: 'Supply and fit new filters.',
      res: [{ cause: 'Scheduled filter replacement', solution: 'Ordered the original filter set; the engineer fitted it and flushed the system; water quality checked OK.' }],
    },
  },
  {
    id: 'req-invoice', type: 'service_request', cat: 'billing',
    zh: {
      s: ['申请补开发票', '订单{o}需要补开电子发票'],
      d: '订单{o}当时没有开发票，现在需要补开个人电子发票，抬头写我的名字就可以。',
      r: '补开电子发票',
      res: [{ cause: '补开发票申请', solution: '已为客户补开电子普通发票，已发送至客户邮箱。' }],
    },
    en: {
      s: ['Please issue an invoice for order {o}', 'Invoice needed for an earlier order'],
      d: 'I did not request an invoice with order {o}. Please issue a personal e-invoice in my name now.',
      r: 'Issue the e-invoice.',
      res: [{ cause: 'Invoice request', solution: 'Issued the e-invoice and e-mailed it to the customer.' }],
    },
  },
  {
    id: 'req-address', type: 'service_request', cat: 'delivery',
    zh: {
      s: ['修改订单{o}收货地址', '申请更改配送地址'],
      d: '订单{o}还没发货，需要把收货地址改成{city}{district}的新地址，收货人不变。',
      r: '修改收货地址',
      res: [{ cause: '客户搬家', solution: '已在发货前修改收货地址，并短信通知客户确认。' }],
    },
    en: {
      s: ['Change the delivery address for order {o}', 'New delivery address'],
      d: 'Order {o} has not shipped yet. Please change the delivery address to my new place in {district}, {city}; same recipient.',
      r: 'Update the delivery address.',
      res: [{ cause: 'Customer moved house', solution: 'Changed the address before dispatch and confirmed by SMS.' }],
    },
  },
  {
    id: 'req-return', type: 'service_request', cat: 'process',
    zh: {
      s: ['申请退货退款', '{p}颜色发错，申请退货'],
      d: '{p}到货后发现颜色和下单的不一致，订单{o}，申请退货退款，请安排上门取件。',
      r: '上门取件并退款',
      res: [{ cause: '仓库发错颜色', solution: '已安排快递上门取件，退款已原路退回，并致歉。' }],
    },
    en: {
      s: ['Return and refund request', 'Wrong colour {p} - return please'],
      d: 'The {p} we received is not the colour we ordered (order {o}). Please collect it and refund us.',
      r: 'Collect the item and refund.',
      res: [{ cause: 'The warehouse shipped the wrong colour', solution: 'Arranged collection, refunded to the original payment method and apologised.' }],
    },
  },
  {
    id: 'req-close-account', type: 'service_request', cat: 'account', weight: 0.6,
    zh: {
      s: ['申请注销会员账户', '请删除我的账户'],
      d: '我不再使用会员账户了，申请注销，请告知需要办理什么手续，剩余积分怎么处理。',
      r: '注销账户',
      res: [{ cause: '客户申请注销', solution: '已告知积分将作废并经客户确认，账户已注销，个人信息按规定处理。' }],
    },
    en: {
      s: ['Please close my member account', 'Delete my account'],
      d: 'I no longer use my member account and would like to close it. What do I need to do, and what happens to my remaining points?',
      r: 'Close my account.',
      res: [{ cause: 'Account closure request', solution: 'Confirmed with the customer that remaining points lapse; the account is closed and the data handled per policy.' }],
    },
  },
  {
    id: 'req-maintenance', type: 'service_request', cat: 'repair', kind: 'contract', companyOnly: true, weight: 0.8,
    zh: {
      s: ['设备季度保养预约', '按合同安排{p}保养'],
      d: '我们公司{q}台{p}需要按服务合同做季度保养，请安排{slot}上门，地址{city}{district}。',
      r: '按合同上门保养',
      res: [{ cause: '合同季度保养', solution: '工程师已完成{q}台设备的清洗保养和安全检测，保养报告已发送客户签收。' }],
    },
    en: {
      s: ['Quarterly maintenance visit', 'Contract maintenance for {q} units'],
      d: 'Our {q} {p} units are due for their quarterly maintenance under our service contract. Please schedule a visit for {slot}; address {district}, {city}.',
      r: 'Carry out the contract maintenance.',
      res: [{ cause: 'Quarterly contract maintenance', solution: 'The engineer cleaned and safety-checked all {q} units; the maintenance report was sent to the customer for sign-off.' }],
    },
  },
];

// ---------------------------------------------------------------------------------------------
// A repeat complaint: the same customer, the same category, again.

export const REPEAT: Record<Lang, { s: string; d: string; r: string; urgentTail: string }> = {
  zh: {
    s: '再次投诉：{prevSubject}',
    d: '我{prevDate}已经就这个问题投诉过一次（“{prevSubject}”），当时答复会处理好，可是问题又出现了，到现在也没有彻底解决。这已经是第二次投诉了，希望这次能给个明确说法。',
    r: '要求彻底解决，给出书面整改说明，并给予相应补偿',
    urgentTail: '如果这次还不能解决，我会向12315投诉并联系媒体曝光。',
  },
  en: {
    s: 'Complaint again: {prevSubject}',
    d: 'I already complained about this on {prevDate} ("{prevSubject}"). I was told it would be fixed, but the problem is back and still not solved. This is my second complaint and I want a clear answer this time.',
    r: 'Fix it for good, tell me in writing what you are changing, and compensate me.',
    urgentTail: 'If it is not solved this time I will go to the regulator and the press.',
  },
};

export const REPEAT_RESOLUTION: Record<Lang, { cause: string; solution: string; comp: string }> = {
  zh: { cause: '前次处理只解决了表面问题，未查明根本原因', solution: '主管牵头复查并彻底处理，已向客户书面说明原因和整改措施。', comp: '赠送一年延保服务' },
  en: { cause: 'The first fix treated the symptom, not the root cause', solution: 'A supervisor reviewed the case and fixed it properly; the customer received a written explanation of the cause and the changes.', comp: 'One year of extended warranty' },
};

export const CORRECTIVE_ACTIONS: Record<CatCode, [string, string]> = {
  product: ['质量部对该批次产品开展排查，出厂检测增加相关测试项；对已售同批次产品主动回访。', 'Quality team is auditing the batch and added a factory test; customers with the same batch are being contacted.'],
  delivery: ['更换该区域承运商，增设超时预警：延误超过24小时由客服主动致电客户。', 'Changed carrier for the area and added a delay alert: agents call the customer after 24 hours of delay.'],
  billing: ['修复支付重复提交问题，增加每日重复扣款对账，自动退款失败时人工兜底。', 'Fixed double submission at payment, added a daily double-charge reconciliation and manual fallback for failed refunds.'],
  staff: ['当事人停岗培训并考核后再上岗；本案例纳入全员服务规范培训。', 'The employee is off the phones until retrained and re-assessed; the case is part of team-wide training.'],
  process: ['退货质检时限调整为48小时，超时自动升级至主管。', 'Returns inspection limited to 48 hours, with automatic escalation to a supervisor when exceeded.'],
  repair: ['二次维修须由网点主管陪同，疑难故障直接换机；维修返修率纳入网点考核。', 'Second visits are attended by the service-point lead, hard faults are replaced outright, and repeat-repair rates count in partner reviews.'],
  account: ['修正会员等级计算规则，规则调整前增加测试和公示，并补偿受影响会员。', 'Corrected the membership rules, added testing and notice before rule changes, and compensated affected members.'],
  other: ['问题纳入月度服务改进会议跟踪，责任部门限期整改。', 'Tracked in the monthly service-improvement meeting with a deadline for the owning department.'],
};

// ---------------------------------------------------------------------------------------------
// What staff and customers say along the way

type Pair = [string, string];

export const FIRST_REPLY: Record<CaseType, Pair[]> = {
  inquiry: [
    ['{name}您好，感谢您的咨询，您的问题我们正在核实，稍后给您详细答复。', 'Hello {name}, thank you for your question. We are checking the details and will get back to you shortly.'],
  ],
  complaint: [
    ['{name}您好，非常抱歉给您带来不好的体验。您的投诉我们已受理，我是负责跟进的客服，会尽快核实情况并给您答复。', 'Hello {name}, I am very sorry for this experience. Your complaint is registered and I am the agent following it up; we are looking into it and will reply as soon as possible.'],
    ['{name}您好，您反映的问题我们非常重视，已经立案调查，处理期间有任何进展都会第一时间告知您。', 'Hello {name}, we take this very seriously. We have opened an investigation and will keep you informed of every step.'],
  ],
  dissatisfaction: [
    ['{name}您好，很抱歉让您不满意了，您反映的情况我们已经记录，正在处理中。', 'Hello {name}, sorry we let you down. We have noted what happened and are dealing with it.'],
  ],
  suggestion: [
    ['{name}您好，感谢您的宝贵建议，我们已记录并转交相关部门评估。', 'Hello {name}, thank you for the suggestion. We have passed it to the team concerned.'],
  ],
  praise: [
    ['{name}您好，非常感谢您的认可和鼓励！我们会把您的表扬转达给相关同事。', 'Hello {name}, thank you so much for the kind words! We will pass them on.'],
  ],
  service_request: [
    ['{name}您好，您的服务申请已受理，我们会尽快为您安排。', 'Hello {name}, your service request is registered and we are arranging it.'],
  ],
};

/** Phone and walk-in: the first "reply" records what the agent told the customer in person. */
export const SPOKEN_REPLY: Record<'phone' | 'walk_in', Pair> = {
  phone: ['已电话告知客户处理流程和预计时间，客户表示认可。', 'Explained the next steps and timing to the customer on the call; customer agreed.'],
  walk_in: ['已当面向客户说明处理方案，并留下了联系电话。', 'Explained the plan to the customer in person and left our contact number.'],
};

/** Who posts spam on social media. */
export const SPAM_HANDLES = ['优惠小助手888', '家电代购小王', 'deals4u_cn', '福利社-小美'];

export const ASK_INFO: Record<CatCode, Pair> = {
  product: ['为便于核实，请您提供产品机身编号（SN）、购买凭证以及故障部位的照片或视频。', 'To check this, please send the serial number (SN), proof of purchase and a photo or video of the fault.'],
  repair: ['为尽快安排工程师，请您提供机身编号、详细地址以及方便上门的时间段。', 'So we can send an engineer, please send the serial number, your full address and a convenient time slot.'],
  delivery: ['请您提供订单号及收货人手机号后四位，我们马上联系物流核查。', 'Please send the order number and the last four digits of the recipient’s phone so we can check with the carrier.'],
  billing: ['请提供扣款记录截图和订单号，我们将与财务核对。', 'Please send a screenshot of the charges and the order number so finance can check them.'],
  staff: ['请您提供来电或上门的大概时间，方便我们调取记录核实。', 'Please tell us roughly when the call or visit took place so we can pull the records.'],
  process: ['请提供退货快递单号，我们联系仓库核实签收情况。', 'Please send the return tracking number so we can check with the warehouse.'],
  account: ['请提供注册手机号或邮箱，我们核实账户信息后为您处理。', 'Please send the phone number or e-mail on the account so we can verify it.'],
  other: ['请补充一下具体情况，方便我们为您处理。', 'Could you tell us a little more so we can help?'],
};

export const CUSTOMER_INFO: Record<CatCode, Pair> = {
  product: ['照片和视频已经上传了，机身编号是{sn}，麻烦尽快处理。', 'I have uploaded the photos and a video; the serial number is {sn}. Please hurry.'],
  repair: ['机身编号{sn}，地址是{city}{district}，{slot}都有人在家。', 'Serial {sn}, address {district}, {city}; someone is home {slot}.'],
  delivery: ['订单号是{o}，收货人手机尾号{tail}。', 'The order is {o} and the phone ends in {tail}.'],
  billing: ['截图已经发给你们了，账户流水显示两笔{amt}元。', 'I sent the screenshot - the statement shows two charges of {amt} yuan.'],
  staff: ['时间大概是{date}下午三点左右，具体经过我在前面已经说明了。', 'It was around 3 pm on {date}; the details are in my first message.'],
  process: ['退货快递单号是SF{digits}，仓库已经签收了。', 'The return tracking number is SF{digits}; the warehouse signed for it.'],
  account: ['注册手机号就是现在这个号码，麻烦帮忙处理。', 'The account uses this same phone number, please go ahead.'],
  other: ['好的，我补充一下：{request}', 'OK, to add: {request}'],
};

export const PROGRESS_NOTE: Record<CatCode, Pair[]> = {
  product: [
    ['已联系质量部调取该批次检测报告。', 'Asked the quality team for the batch test report.'],
    ['已申请备件，预计2天到网点。', 'Spare part ordered, due at the service point in 2 days.'],
    ['质量部回复：同批次暂无同类反馈，按个案处理。', 'Quality team: no similar reports for this batch, handle as a single case.'],
  ],
  repair: [
    ['网点反馈备件已到货，已与客户约好上门时间。', 'Service point has the part; visit booked with the customer.'],
    ['工程师反馈需二次上门，已备注客户方便时间。', 'Engineer needs a second visit; noted the customer’s preferred time.'],
    ['已与网点主管确认派工，工程师今天下午出发。', 'Confirmed dispatch with the service-point lead; engineer leaves this afternoon.'],
  ],
  delivery: [
    ['已致电承运商网点，包裹滞留分拨中心，已催促加急。', 'Called the carrier: parcel held at the sorting centre, asked them to expedite.'],
    ['承运商回复已安排专车派送，预计明天送达。', 'Carrier has put it on a dedicated van; delivery expected tomorrow.'],
    ['已向配送服务商发函，要求3个工作日内书面说明。', 'Wrote to the delivery contractor asking for a written statement within 3 working days.'],
  ],
  billing: [
    ['已提交财务核对支付流水，等待回复。', 'Sent to finance to reconcile the payments; awaiting reply.'],
    ['财务确认款项异常，已走退款审批。', 'Finance confirmed the irregular payment; refund approval started.'],
    ['退款审批已通过，等待支付渠道原路退回。', 'Refund approved; waiting for the payment provider to return the money.'],
  ],
  staff: [
    ['已调取通话录音，当事人已约谈。', 'Pulled the call recording; spoke with the employee concerned.'],
    ['已要求服务网点提交书面情况说明。', 'Asked the service point for a written statement.'],
    ['当事人已停岗，等待处理意见。', 'The employee has been taken off duty pending a decision.'],
  ],
  process: [
    ['已联系退货仓质检组加急处理。', 'Asked the returns warehouse to expedite the inspection.'],
    ['仓库回复质检已完成，退款审核中。', 'Warehouse: inspection done, refund under review.'],
    ['已提交流程优化建议至运营部。', 'Sent a process improvement note to operations.'],
  ],
  account: [
    ['已提交会员系统组核查等级计算日志。', 'Asked the membership system team to check the level calculation logs.'],
    ['系统组确认为规则计算问题，修复中。', 'System team confirmed a rule calculation bug; fix in progress.'],
    ['已核实客户账户信息，待系统组处理。', 'Verified the account details; waiting on the system team.'],
  ],
  other: [
    ['已电话联系客户确认需求。', 'Called the customer to confirm what they need.'],
    ['已转相关部门评估，等待回复。', 'Passed to the department concerned; awaiting reply.'],
    ['已整理客户反馈提交周例会讨论。', 'Summarised the feedback for the weekly meeting.'],
  ],
};

export const PROGRESS_REPLY: Pair[] = [
  ['{name}您好，您的问题我们正在跟进：已联系相关部门核实，预计1-2个工作日内给您结果，请您耐心等待。', 'Hello {name}, an update: we have contacted the department concerned and expect an answer within 1-2 working days. Thank you for your patience.'],
  ['{name}您好，向您同步一下进展：相关部门已在处理，有结果会第一时间通知您。', 'Hello {name}, a quick update: the team is working on it and we will tell you as soon as we have the result.'],
];

export const PENDING_INTERNAL_NOTE: Record<CatCode, Pair> = {
  product: ['等待质量部出具检测结论。', 'Waiting for the quality team’s test result.'],
  repair: ['等待网点备件到货。', 'Waiting for the spare part at the service point.'],
  delivery: ['等待承运商回复调查结果。', 'Waiting for the carrier’s investigation.'],
  billing: ['等待财务核实退款。', 'Waiting for finance to verify the refund.'],
  staff: ['等待服务网点提交情况说明。', 'Waiting for the service point’s written statement.'],
  process: ['等待退货仓质检结果。', 'Waiting for the returns warehouse inspection.'],
  account: ['等待会员系统组排查。', 'Waiting for the membership system team.'],
  other: ['等待相关部门回复。', 'Waiting for the department concerned.'],
};

export const HANDOVER_AFTERSALES: Pair = [
  '转售后组：客户{name}报修{p}（{m}，SN {sn}），故障现象：{symptom}。已远程指导断电重启、检查设置，问题仍在。{kindText}请安排工程师上门检测，客户方便时间：{slot}。',
  'To after-sales: {name} reports the {p} ({m}, SN {sn}) is {symptom}. Remote power-cycle and settings check did not help. {kindText}Please send an engineer; customer is available {slot}.',
];
export const KIND_TEXT: Record<string, Pair> = {
  warranty: ['在保修期内，免费维修。', 'Under warranty, free of charge. '],
  paid: ['已过保，已告知客户上门检测费50元，配件另计。', 'Out of warranty; customer knows the 50 yuan call-out fee plus parts. '],
  contract: ['合同客户，按服务合同执行。', 'Contract customer, covered by the service contract. '],
  none: ['', ''],
};

export const HANDOVER_AGENT: Pair[] = [
  ['交接：本人明日起休假，转交同事跟进。已向客户核实问题经过并致歉，{progress}下一步：等待结果后回复客户。客户希望电话联系。', 'Hand-over: I am on leave from tomorrow. Checked the facts with the customer and apologised; {progress} Next: reply to the customer once the result is in. Customer prefers a phone call.'],
  ['交接：调整班组分工，转交同事处理。客户诉求：{request}。已完成：{progress}请继续跟进并按时回复客户。', 'Hand-over (team rota change). Customer wants: {request}. Done so far: {progress} Please continue and keep the customer updated.'],
];

export const TECH_REPLY: Pair[] = [
  ['{name}您好，我是售后工程师，已为您预约{slot}上门检测，请保持电话畅通。', 'Hello {name}, I am the after-sales engineer. I have booked a visit for {slot}; please keep your phone on.'],
  ['{name}您好，售后组已接单，工程师会在上门前一小时电话联系您。', 'Hello {name}, the after-sales team has your case; the engineer will call an hour before arriving.'],
];

/** First-contact resolution: the answer itself is the (public) resolution that follows. */
export const RESOLVED_REPLY: Pair = ['{name}您好，您的问题已为您解答，处理说明请见下方处理结果。如还有其他问题，欢迎随时联系我们。', 'Hello {name}, we have answered your question - see the resolution below. If there is anything else, just let us know.'];

export const CONFIRM_COMMENTS: Array<[string | null, string | null]> = [
  ['问题已经解决了，谢谢！', 'All sorted now, thanks!'],
  ['满意，辛苦了。', 'Happy with this, thank you.'],
  ['可以，就这样处理吧。', 'That works for me.'],
  ['处理得很及时，点赞。', 'Quick and helpful - thanks.'],
  [null, null],
  [null, null],
];

export const CLOSE_NOTES: Pair[] = [
  ['已电话回访，客户确认问题已解决，结案。', 'Follow-up call: customer confirmed it is solved. Closing.'],
  ['客户未再反馈，按规定结案。', 'No further response from the customer; closed per policy.'],
  ['回访客户，对处理结果表示认可。', 'Follow-up done; customer accepts the outcome.'],
];

export const REOPEN_TEXTS: Pair[] = [
  ['问题又出现了，和上次一样，麻烦再处理一下。', 'The problem is back, same as before. Please look at it again.'],
  ['说好的处理结果到现在也没落实，请继续跟进。', 'What you promised has still not happened. Please follow up.'],
  ['{p}又出现{symptom}的情况了，麻烦再派人看看。', 'The {p} is {symptom} again - please send someone back.'],
];

export const CLOSE_ON_CALL: Pair = ['客户当场确认问题已解决，结案。', 'Customer confirmed on the spot that it is solved; closing.'];

export const REOPEN_REPLY: Pair = ['{name}您好，很抱歉问题没有彻底解决，我们马上重新安排处理，今天内给您回复。', 'Hello {name}, sorry this is not fully fixed. We are on it again and will update you today.'];

export const STALE_CLOSE: Pair = ['多次联系客户未获回复，暂按撤销处理；客户回复后可重新打开。', 'No reply from the customer after several attempts; closed as withdrawn. A reply will reopen it.'];

export const WITHDRAW_NOTES: Pair[] = [
  ['客户来电表示问题已自行解决，申请撤销。', 'Customer called to say the issue sorted itself out; withdrawn at their request.'],
  ['客户表示暂时不需要处理了，撤销工单。', 'Customer no longer needs this; withdrawn.'],
];

export const DUPLICATE_NOTES: Pair[] = [
  ['客户通过多个渠道重复提交同一问题，已在另一工单中处理。', 'Same issue submitted through another channel; handled in the other case.'],
];

export const SPAM_NOTES: Pair[] = [['广告信息，非客户诉求，按垃圾信息关闭。', 'Advertising, not a customer request; closed as spam.']];

export const RECLASSIFY_REASONS: Record<string, Pair> = {
  upgrade: ['客户对处理结果仍不满意，明确要求投诉，抱怨升级为投诉。', 'The customer is still unhappy and asked to file a formal complaint: upgraded from dissatisfaction.'],
  category: ['补充分类：根据客户描述归入相应问题类别。', 'Added the category from the customer’s description.'],
  portal: ['门户提交的自动分类有误，人工修正。', 'Corrected the automatic classification of a portal submission.'],
  sensitive: ['涉及个人敏感信息，标记为敏感并限制访问。', 'Involves sensitive personal information: marked sensitive, access restricted.'],
};

export const CHANNEL_PREFIX: Record<string, Pair> = {
  phone: ['客户来电反映：', 'Customer called: '],
  walk_in: ['客户到{city}服务网点反映：', 'Customer visited the {city} service point: '],
  social: ['客户在社交平台发帖：', 'Public post on social media: '],
  import: ['【线下意见卡录入】', '[Paper feedback form] '],
};
