//! PalmSens PSTrace `.pssession`: UTF-16 JSON holding several measurements; the EIS ones have data arrays
//! described `Frequency`, `ZRe` and `ZIm`. Key case varies between PSTrace versions (`measurements` vs
//! `Measurements`, `datavalues` vs `DataValues`), so keys are matched case-insensitively. `ZIm` holds −Z″
//! (its unit quantity says `-Z''`).

use super::table::{into_sweeps, Rows};
use super::text::Text;
use super::{Format, Metadata, ReadError, Sweep};
use num_complex::Complex64;
use serde_json::Value;

/// Looks a key up in a JSON object, ignoring ASCII case.
fn get<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// The numbers of one data array, if every entry has a numeric `v`.
fn values(array: &Value) -> Option<Vec<f64>> {
    get(array, "datavalues")?
        .as_array()?
        .iter()
        .map(|d| get(d, "v").and_then(Value::as_f64))
        .collect()
}

pub(crate) fn read(text: &Text<'_>) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let joined = text.lines.join("\n");
    let root: Value = serde_json::Deserializer::from_str(&joined)
        .into_iter::<Value>()
        .next()
        .ok_or_else(|| text.mismatch(Format::PalmsensSession, "no JSON document"))?
        .map_err(|e| text.syntax(e.line().saturating_sub(1), "valid JSON", e.to_string()))?;
    let Some(measurements) = get(&root, "measurements").and_then(Value::as_array) else {
        return Err(text.mismatch(Format::PalmsensSession, "no `measurements` array"));
    };
    let mut meta = Metadata::default();
    let mut rows = Rows::default();
    let mut found = 0i64;
    for m in measurements {
        let Some(arrays) = get(m, "dataset")
            .and_then(|d| get(d, "values"))
            .and_then(Value::as_array)
        else {
            continue;
        };
        let find = |name: &str| {
            arrays.iter().find(|a| {
                get(a, "description")
                    .and_then(Value::as_str)
                    .is_some_and(|d| d.eq_ignore_ascii_case(name))
            })
        };
        let (Some(f), Some(re), Some(im)) = (find("Frequency"), find("ZRe"), find("ZIm")) else {
            continue;
        };
        // PSTrace writes −Z″ and says so in the unit's quantity; honour an explicit `Z''` if one ever appears.
        let quantity = get(im, "unit")
            .and_then(|u| get(u, "q"))
            .and_then(Value::as_str)
            .unwrap_or("-Z''");
        let im_sign = if quantity.trim_start().starts_with('-') {
            -1.0
        } else {
            1.0
        };
        let (Some(f), Some(re), Some(im)) = (values(f), values(re), values(im)) else {
            return Err(text.mismatch(Format::PalmsensSession, "an EIS data array has a non-numeric value"));
        };
        if re.len() != f.len() || im.len() != f.len() {
            return Err(text.mismatch(Format::PalmsensSession, "Frequency, ZRe and ZIm differ in length"));
        }
        for ((&f, &r), &i) in f.iter().zip(&re).zip(&im) {
            rows.push(f, Complex64::new(r, im_sign * i), found);
        }
        if found == 0 {
            let str_of = |k: &str| get(m, k).and_then(Value::as_str).unwrap_or("");
            let device = ["PalmSens", str_of("deviceused"), str_of("deviceserial")];
            meta.set_instrument(
                &device
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            meta.set_date(str_of("timestamp"));
            meta.insert("title", str_of("title"));
        }
        found += 1;
    }
    if found == 0 {
        return Err(text.mismatch(
            Format::PalmsensSession,
            "no measurement with Frequency, ZRe and ZIm arrays",
        ));
    }
    let sweeps = into_sweeps(text.name, rows, &meta, &text.notes)?;
    Ok((meta, sweeps))
}
