//! Units: every result says what it is, displays in its unit and survives
//! a JSON round trip.

use cxmetrics::{Error, Margin, Unit};

#[test]
fn margins_convert_to_the_stored_unit_or_refuse() {
    let pct = Margin::percent(5.0).unwrap();
    assert_eq!(pct.in_unit(Unit::Share).unwrap(), 0.05);
    assert_eq!(pct.in_unit(Unit::NpsPoints).unwrap(), 5.0);
    assert!(matches!(
        pct.in_unit(Unit::ScalePoints),
        Err(Error::IncompatibleUnit {
            unit: Unit::ScalePoints,
            ..
        })
    ));
    let pts = Margin::points(0.25).unwrap();
    assert_eq!(pts.in_unit(Unit::ScalePoints).unwrap(), 0.25);
    assert_eq!(pts.in_unit(Unit::NpsPoints).unwrap(), 0.25);
    assert!(pts.in_unit(Unit::Share).is_err());
    assert_eq!(Margin::fraction(0.05).unwrap(), pct);
    assert_eq!(Margin::fraction(1.0).unwrap().value(), 100.0);
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(Margin::points(bad).is_err(), "{bad}");
        assert!(Margin::percent(bad).is_err(), "{bad}");
        assert!(Margin::fraction(bad).is_err(), "{bad}");
    }
    // The 0.05-points mistake: a fraction above 1 or a percent above 100
    // is refused rather than read in the other unit.
    assert!(Margin::fraction(5.0).is_err());
    assert!(Margin::percent(500.0).is_err());
    assert_eq!(pct.to_string(), "±5.0%");
    assert_eq!(
        format!("{:.2}", Margin::points(3.0).unwrap()),
        "±3.00 points"
    );
}

#[cfg(feature = "serde")]
#[test]
fn margins_round_trip_through_json() {
    for m in [Margin::points(5.0).unwrap(), Margin::percent(2.5).unwrap()] {
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Margin>(&json).unwrap(), m);
    }
    assert_eq!(
        serde_json::to_string(&Margin::percent(2.5).unwrap()).unwrap(),
        r#"{"percent":2.5}"#
    );
    assert!(serde_json::from_str::<Margin>(r#"{"points":-1.0}"#).is_err());
}
