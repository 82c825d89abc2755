//! A small bilingual glossary of news vocabulary: words that say what happened
//! (talks, tanker, execution, drill), when (weekdays, months) and how many (number
//! words), each English and Arabic form of one concept mapped to one feature, so
//! an Arabic and an English report of one event share evidence beyond names and
//! the taxonomy's rules. General news words only, never the names of one event.
//!
//! Each line: English words, `|`, Arabic words. Words are stemmed as the
//! clustering stems them, so any listed form finds its inflections that stem
//! alike. A line whose first word is a number gives that number's feature
//! instead of a concept (three, ثلاثة → 3).

const GLOSSARY: &str = "
talks negotiations negotiate negotiators negotiating | محادثات مفاوضات تفاوض مفاوض مفاوضين التفاوض
round rounds | جولة جولات
mediation mediator mediate mediated | وساطة وسيط الوسيط
deal agreement accord | اتفاق اتفاقية صفقة
announce announced announcement announces | اعلن اعلان تعلن يعلن اعلنت
host hosts hosted hosting | تستضيف استضافة يستضيف استضافت
visit visits visited | زيارة يزور زار
arrive arrives arrived arrival | يصل وصل وصول تصل وصلت
phone call telephone | هاتفي هاتفيا اتصال مكالمة
speech address addressed | خطاب كلمة
interview | مقابلة
meeting meet meets met | اجتماع لقاء يلتقي التقي يلتقيان
statement | بيان
sanctions sanction sanctioned | عقوبات
treasury | الخزانة
tanker tankers | ناقلة ناقلات
ship ships vessel vessels | سفينة سفن
carrier | حاملة
navy naval | بحرية
army military | جيش عسكري
fleet | اسطول
oil crude brent | نفط خام برنت
price prices | اسعار سعر
rise rises rose climbs climbed jumps gains | ارتفاع ترتفع ارتفعت يرتفع
fall falls fell drops slips slipped declines | تراجع انخفاض تنخفض انخفضت تراجعت
gold | ذهب
inflation | تضخم
attack attacked attacks | هجوم هجمات استهداف استهدف استهدفت
strike strikes airstrike airstrikes raid raids | غارة غارات ضربة ضربات
killed kill kills dead death | قتل مقتل قتيل قتلي شهيد شهيدان قتيلان
missile missiles | صاروخ صواريخ
drone drones uav | مسيرة مسيرات
fire blaze flames | حريق النيران
seize seized seizes seizure | احتجاز احتجزت تحتجز مصادرة
smuggling smuggled smuggle | تهريب
execution execute executed executes hanged hangs | اعدام يعدم اعدمت تعدم
court | محكمة
sentence sentenced sentences | حكم احكام
protest protests protester protesters demonstrators | احتجاج احتجاجات محتج محتجين متظاهرين
arrest arrested arrests detained | اعتقال توقيف اعتقل اعتقلت
prisoner prisoners detainee detainees | سجين سجناء معتقل معتقلين
swap exchange | تبادل
inspection inspectors inspect inspected | تفتيش مفتش مفتشين مفتشو
uranium | يورانيوم
enrichment enrich enriched | تخصيب مخصب
nuclear atomic | نووي ذري
reactor plant | محطة مفاعل
stockpile | مخزون
drill drills exercise exercises maneuvers manoeuvres wargames | مناورات تمرين تدريبات
anniversary | ذكري
revolution | ثورة
rally rallies marches | تظاهرة حشود
president | رئيس الرئيس
minister | وزير
foreign | خارجية
defence defense | دفاع
leader | مرشد قائد زعيم
parliament | برلمان
election elections vote | انتخابات
earthquake quake | زلزال
flood floods flooding | فيضان فيضانات سيول
aid | مساعدات
ceasefire truce | هدنة
war | حرب
warn warns warned warning threat threatens threatened | يحذر حذر تحذير تهديد يهدد هدد
condemn condemns condemned | تدين ادان ندد تندد
first | اول الاولي
second | ثاني الثانية ثانية
third | ثالث الثالثة
sea | بحر
gulf | خليج
red | الاحمر
border | حدود
guard guards | الحرس
monday | الاثنين
tuesday | الثلاثاء
wednesday | الاربعاء
thursday | الخميس
friday | الجمعة
saturday | السبت
sunday | الاحد
january | يناير كانون
february | فبراير شباط
march | مارس اذار
april | ابريل نيسان
may | مايو ايار
june | يونيو حزيران
july | يوليو تموز
august | اغسطس
september | سبتمبر ايلول
october | اكتوبر تشرين
november | نوفمبر
december | ديسمبر
egypt | مصر
saudi | السعودية
jordan | الاردن
turkey turkish | تركيا التركي
russia russian | روسيا الروسي
china chinese | الصين الصيني
israel israeli | اسرائيل الاسرائيلي
gaza | غزة
yemen yemeni | اليمن اليمني
qatar | قطر
emirates uae emirati | الامارات
iraq iraqi | العراق العراقي
syria syrian | سوريا السوري
lebanon lebanese | لبنان اللبناني
britain british | بريطانيا البريطاني
france french | فرنسا الفرنسي
europe european | اوروبا الاوروبي
germany german | المانيا الالماني
1 one | واحد
2 two | اثنين اثنان
3 three | ثلاث ثلاثة
4 four | اربع اربعة
5 five | خمس خمسة
6 six | ست ستة
7 seven | سبع سبعة
8 eight | ثماني ثمانية
9 nine | تسع تسعة
10 ten | عشر عشرة
";

/// What a glossary word stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// One concept, by its line number in the glossary.
    Concept(u32),
    Number(u64),
}

/// Term hash (as [`super::terms::hash`] of the stem with the word tag) →
/// meaning, for every word of the glossary.
pub fn table(word_tag: u8) -> Vec<(u64, Meaning)> {
    let mut out = Vec::new();
    for (n, line) in GLOSSARY.lines().filter(|l| l.contains('|')).enumerate() {
        let (en, ar) = line.split_once('|').unwrap_or((line, ""));
        let mut words = en.split_whitespace().peekable();
        let meaning = match words.peek().and_then(|w| w.parse::<u64>().ok()) {
            Some(k) => {
                words.next();
                Meaning::Number(k)
            }
            None => Meaning::Concept(n as u32),
        };
        for w in words.chain(ar.split_whitespace()) {
            let key = crate::text::normalize(w);
            let stem = super::terms::stem(&key);
            out.push((super::terms::hash(word_tag, stem), meaning));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glossary_lines_parse() {
        let t = table(b'w');
        assert!(t.len() > 300, "{}", t.len());
        let find = |w: &str| {
            let k = crate::text::normalize(w);
            let h = super::super::terms::hash(b'w', super::super::terms::stem(&k));
            t.iter().find(|(x, _)| *x == h).map(|(_, m)| *m)
        };
        assert_eq!(find("ناقلات"), find("tankers"));
        assert_eq!(find("ثلاثة"), Some(Meaning::Number(3)));
        assert!(matches!(find("executed"), Some(Meaning::Concept(_))));
    }
}
