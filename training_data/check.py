"""Validate the training corpus: schema, closed vocabularies, near-duplicates, counts.

Usage::

    python training_data/check.py [FILE_OR_DIR ...]      # default: training_data/

Exit status 0 when every record is valid and no near-duplicate pair is found, 1 otherwise.
Only the standard library is used so the check runs before the package is installed.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

LABELS = {"97110", "97112", "97530", "none"}
VOICES = {
    "ortho_sports",
    "neuro_rehab",
    "geriatric",
    "ot",
    "peds",
    "work_conditioning",
    "chiropractic",
    "vestibular_aquatic",
    "emr_pta",
    "dictation_student",
    "acute_care",
    "cardiopulmonary_oncology",
    "prosthetic_pelvic",
    "telehealth_brief",
    "snf_ltc",
    "hand_clinic",
    "irf_rehab",
    "cash_practice",
    "industrial_onsite",
    "neuro_outpatient",
    "va_polytrauma",
    "burn_wound",
    "school_based",
    "prn_terse",
    "rural_generalist",
    "lymphedema_clinic",
    "home_health",
    "parkinson_clinic",
    "concussion_clinic",
    "sci_program",
    "intl_physio",
    "early_intervention",
    "athletic_training",
    "ltach_acute",
    "speech_recognition",
    "seating_mobility",
    "falls_clinic",
    "mental_health_ot",
    "hospice_palliative",
    "performing_arts",
    "ocr_scanned",
    "hippotherapy",
    "cimt_stroke_ot",
    "travel_contract",
    "pace_program",
    "spine_mdt",
    "bilingual_clinic",
    "driver_rehab_ot",
    "low_vision_ot",
    "scribe_written",
    "prenatal_postpartum",
    "picu_nicu",
    "medicare_outpatient",
    "ehr_smartphrase",
    "charge_capture",
    "tbi_day_program",
    "home_mod_ot",
    "maintenance_therapy",
    "als_clinic",
    "new_grad_verbose",
    "upper_limb_prosthetics",
    "bmt_oncology_inpatient",
    "hip_fracture_pathway",
    "correctional_health",
    "pelvic_male",
    "autism_clinic_ot",
    "adaptive_sports",
    "copy_forward_heavy",
    "cardiac_surgery_inpatient",
    "orthopedic_private_uk",
    "school_ot_handwriting",
    "voice_assistant_summary",
    "multiple_sclerosis_clinic",
    "work_hardening_fce",
    "long_covid_fatigue",
    "memory_care_dementia",
    "tabular_export",
    "esl_clinician",
    "cp_intensive_pediatric",
    "bariatric_rehab",
    "robotics_exoskeleton",
    "tmj_headache_clinic",
    "rheumatology_joint_protection",
    "pediatric_oncology",
    "lower_limb_amputee_inpatient",
    "fnd_clinic",
    "osteoporosis_bone_health",
    "hypermobility_eds_clinic",
    "pediatric_torticollis_infant",
    "military_trainee_clinic",
    "workers_comp_case_managed",
    "breast_cancer_rehab",
    "overhead_athlete_throwing",
    "acute_stroke_unit",
    "home_health_ot",
    "pilates_reformer_clinic",
    "ataxia_clinic",
    "dialysis_chairside",
    "pediatric_feeding_ot",
    "spine_postop_inpatient",
    "office_ergonomics_clinic",
    "adult_cp_transition",
    "post_polio_clinic",
    "youth_gymnastics_cheer",
    "vestibular_rehab_clinic",
    "chiropractic_rehab_integrated",
    "total_joint_fast_track",
    "head_neck_cancer_rehab",
    "icu_acquired_weakness_gbs",
    "dcd_pediatric_motor",
    "cardiac_rehab_phase2",
    "sports_medicine_acl_rts",
    "nursing_home_restorative_ot",
    "hand_therapy_flexor_tendon",
    "telerehab_rural_video",
    "pelvic_floor_pediatric",
    "orthopedic_surgeon_owned_clinic",
    "geriatric_day_hospital",
    "amputee_outpatient_prosthetic_gait",
    "stroke_outpatient_upper_limb_ot",
    "vestibular_concussion_peds",
    "industrial_work_conditioning_terse",
    "burn_rehab_outpatient",
    "neuro_icu_early_mobility",
    "golf_tennis_performance_clinic",
    "rural_home_health_pta",
    "developmental_peds_ot_clinic",
    "oncology_lymphedema_pt",
    "chronic_pain_program",
    "scoliosis_schroth",
    "lung_transplant_rehab",
    "first_responder_return_to_duty",
    "swing_bed_critical_access",
    "peds_hypotonia_down_syndrome",
    "canadian_mva_physio",
    "running_gait_clinic",
    "huntington_neurodegenerative_day",
    "crps_pain_desensitization_hand",
    "pediatric_ortho_clubfoot_perthes",
    "ed_observation_pt",
    "acute_ortho_trauma_inpatient",
    "pediatric_inpatient_rehab",
    "cancer_prehabilitation",
    "hemophilia_joint_clinic",
    "spina_bifida_peds",
    "pad_claudication_set",
    "oa_group_education_exercise",
    "pro_bono_student_clinic",
    "early_supported_discharge_stroke",
    "peds_obesity_fitness",
    "hip_arthroscopy_fai",
    "community_health_center_underserved",
    "assisted_living_wellness",
    "mma_combat_sports",
    "farm_agricultural_injury",
    "pediatric_cardiac_surgery",
    "sickle_cell_peds_hematology",
    "orthopedic_urgent_care_walk_in",
    "pediatric_hand_congenital",
    "sci_acute_inpatient",
    "neuromuscular_disease_clinic_md",
    "tribal_health_clinic",
    "hospital_at_home_program",
    "cotreatment_pt_ot_slp",
    "ski_resort_clinic",
    "lvad_heart_failure_rehab",
    "nursing_home_wound_positioning",
    "adult_day_health_center",
    "limb_salvage_oncology",
    "replant_hand_inpatient",
    "refugee_health_interpreted",
    "rugby_club_pitchside",
    "adult_developmental_disability_day",
    "dry_needling_ortho_clinic",
    "cervical_myelopathy_postop",
    "medicaid_peds_home_based",
    "wheelchair_user_shoulder_pain",
    "mobile_outreach_van_clinic",
    "brachial_plexus_birth_injury",
    "vocational_transition_teens_ot",
    "pelvic_pain_persistent",
    "concierge_home_cash_pt",
    "partial_foot_amputation_diabetic",
    "elite_swimming_shoulder",
    "long_term_ventilator_unit",
    "chronic_stroke_community_gym",
    "osteogenesis_imperfecta_peds",
    "primary_care_direct_access",
    "lumbar_fusion_outpatient",
    "ankle_fracture_orif_outpatient",
    "peds_acquired_brain_injury_school_reentry",
    "rotator_cuff_repair_protocol",
    "trigger_finger_de_quervain_hand",
    "post_icu_recovery_clinic",
    "chemo_neuropathy_balance",
    "facial_palsy_neuromuscular",
    "juvenile_idiopathic_arthritis",
    "peds_idiopathic_toe_walking",
    "cmc_arthritis_hand_orthosis",
    "transitional_care_unit_shortstay",
    "distal_radius_fracture_ot",
    "achilles_rupture_rehab",
    "cervical_radiculopathy_traction",
    "selective_dorsal_rhizotomy_peds",
    "homeless_shelter_outreach",
    "lsvt_big_parkinson",
    "meniscus_repair_protocol",
    "lateral_epicondylalgia_laborer",
    "spinal_muscular_atrophy_peds",
    "patellofemoral_pain_adolescent",
    "knee_arthrofibrosis_post_mua",
    "shoulder_instability_athlete",
    "total_ankle_replacement",
    "vertebral_compression_fracture_geriatric",
    "mcp_arthroplasty_rheumatoid_hand",
    "plantar_fasciitis_standing_worker",
    "pre_employment_functional_screening",
    "neonatal_followup_clinic",
    "me_cfs_pacing",
    "pelvic_fracture_polytrauma_snf",
    "hand_crush_injury_work",
    "back_school_group_class",
    "bone_metastases_palliative_rehab",
    "tendon_transfer_tetraplegia",
    "thoracic_outlet_syndrome",
    "periacetabular_osteotomy_hip",
    "dupuytren_fasciectomy_hand",
    "cystic_fibrosis_peds_airway",
    "rock_climbing_finger_pulley",
    "charcot_marie_tooth_clinic",
    "adhesive_capsulitis_shoulder",
    "high_tibial_osteotomy_knee",
    "carpal_cubital_tunnel_release",
    "pusher_syndrome_stroke_inpatient",
    "arthrogryposis_peds",
    "copd_pulmonary_rehab",
    "patellar_tendinopathy_jumpers",
    "chronic_ankle_instability",
    "spondylolysis_adolescent_athlete",
    "botulinum_toxin_spasticity_clinic",
    "lumbar_spinal_stenosis",
    "mallet_boutonniere_finger",
    "reverse_total_shoulder_arthroplasty",
    "elbow_fracture_stiffness",
    "transverse_myelitis_rehab",
    "hemiplegic_shoulder_pain_stroke",
    "esports_gamer_overuse",
    "nhs_community_rehab_team",
    "digital_nerve_repair_hand",
    "mpfl_patellar_instability",
    "ankylosing_spondylitis_axial",
    "rock_steady_boxing_parkinson",
    "inflammatory_myopathy_clinic",
    "hallux_valgus_bunionectomy",
    "scaphoid_fracture_wrist",
    "disorders_of_consciousness_tbi",
    "substance_use_recovery_ot",
    "systemic_sclerosis_hand",
    "spinal_fusion_scoliosis_teen",
    "pediatric_limb_difference_prosthetic",
    "wrist_tfcc_injury",
    "knee_cartilage_restoration",
    "frailty_prehab_tavi",
    "vestibular_schwannoma_postop",
    "atypical_parkinsonism_psp_msa",
    "cognitive_functional_therapy_back",
    "hamstring_strain_sprinter",
    "rib_fracture_older_trauma",
    "guillain_barre_outpatient",
    "brain_tumor_neuro_oncology_rehab",
    "juvenile_fibromyalgia_pain_peds",
    "adult_degenerative_scoliosis",
    "cimt_intensive_stroke_program",
    "microdiscectomy_lumbar_postop",
    "myasthenia_gravis_neuromuscular",
    "ecmo_icu_early_mobility",
    "peroneal_nerve_foot_drop",
    "whiplash_associated_disorder",
    "intensive_suit_therapy_peds",
    "hip_dysplasia_pao_young_adult",
    "lupus_sle_fatigue_rehab",
    "total_knee_revision_two_stage",
    "cyclist_overuse_bike_fit",
    "pppd_dizziness_clinic",
    "parkinsons_dbs_postop",
    "diabetic_neuropathy_foot_balance",
    "interstitial_lung_disease_oxygen",
    "aphasia_stroke_outpatient",
    "ac_joint_clavicle_injury",
    "steroid_myopathy_polymyalgia",
    "hip_resurfacing_active_adult",
    "hereditary_spastic_paraplegia",
    "car_t_cell_lymphoma_inpatient",
    "gluteal_tendinopathy_lateral_hip",
    "hand_arm_vibration_workers",
    "cardiac_arrest_survivor_rehab",
}
HARD_KINDS = {
    "intent-flip",
    "negation",
    "plan-future",
    "historical",
    "header-mismatch",
    "misleading-cue",
    "multi-parameter",
    "neighbour-service",
}
STYLE_TAGS = {
    "abbrev",
    "fragment",
    "typo",
    "narrative",
    "flowsheet",
    "checkbox",
    "copy-forward",
    "dictation",
    "student",
}
PURPOSE_TAGS = {"purpose-stated", "purpose-unstated"}
TAGS = {"hard"} | HARD_KINDS | STYLE_TAGS | PURPOSE_TAGS
SEGMENT_KEYS = {"id", "kind", "text", "label", "other_code", "confidence", "tags", "rationale", "voice"}
CONTRAST_KEYS = {"group", "varies"}  # contrast-set records only (training_data/contrast/)
VARIES = {"intent", "context", "boundary"}
NOTE_KEYS = {"id", "kind", "text", "items", "confidence", "tags", "rationale", "voice", "provider"}
NOTE_REQUIRED = NOTE_KEYS - {"provider"}
PROVIDERS = {"PT", "PTA", "OT", "OTA", "DC", "student", "ATC"}
CODE_RE = re.compile(r"^(\d{5}|G\d{4})$")
DUP_JACCARD = 0.5


def grams(text: str, n: int = 5) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    if len(words) < n:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def check_segment(row: dict, where: str, errors: list[str]) -> None:
    missing = SEGMENT_KEYS - row.keys()
    extra = row.keys() - SEGMENT_KEYS - CONTRAST_KEYS
    if missing:
        errors.append(f"{where}: missing keys {sorted(missing)}")
    if extra:
        errors.append(f"{where}: unknown keys {sorted(extra)} (allowed: {sorted(SEGMENT_KEYS | CONTRAST_KEYS)})")
    if ("group" in row) != ("varies" in row):
        errors.append(f"{where}: contrast records need both 'group' and 'varies'")
    if "varies" in row and row["varies"] not in VARIES:
        errors.append(f"{where}: varies must be one of {sorted(VARIES)}")
    if row.get("label") not in LABELS:
        errors.append(f"{where}: label must be one of {sorted(LABELS)}, got {row.get('label')!r}")
    other = row.get("other_code")
    if other is not None:
        if not isinstance(other, str) or not CODE_RE.match(other):
            errors.append(f"{where}: other_code must be a CPT/HCPCS code string or null, got {other!r}")
        elif row.get("label") != "none":
            errors.append(f"{where}: other_code is only for label 'none'")
    tags = set(row.get("tags") or [])
    hard_kinds = tags & HARD_KINDS
    if hard_kinds and "hard" not in tags:
        errors.append(f"{where}: has {sorted(hard_kinds)} but not 'hard'")
    if "hard" in tags and not hard_kinds:
        errors.append(f"{where}: 'hard' needs one of {sorted(HARD_KINDS)}")
    if len(tags & PURPOSE_TAGS) != 1:
        errors.append(f"{where}: exactly one of {sorted(PURPOSE_TAGS)} is required")


def check_note(row: dict, where: str, errors: list[str]) -> None:
    missing = NOTE_REQUIRED - row.keys()
    extra = row.keys() - NOTE_KEYS
    if missing:
        errors.append(f"{where}: missing keys {sorted(missing)}")
    if extra:
        errors.append(f"{where}: unknown keys {sorted(extra)} (allowed: {sorted(NOTE_KEYS)})")
    if "provider" in row and row["provider"] not in PROVIDERS:
        errors.append(f"{where}: provider must be one of {sorted(PROVIDERS)}")
    items = row.get("items")
    if not isinstance(items, list):
        errors.append(f"{where}: items must be a list")
        return
    seen = set()
    for item in items:
        if not isinstance(item, dict) or set(item) != {"code", "minutes"}:
            errors.append(f"{where}: each item is {{'code', 'minutes'}}, got {item!r}")
            continue
        if not isinstance(item["code"], str) or not CODE_RE.match(item["code"]):
            errors.append(f"{where}: item code {item['code']!r} is not a CPT/HCPCS code")
        if item["code"] in seen:
            errors.append(f"{where}: code {item['code']} listed twice; merge its minutes into one item")
        seen.add(item["code"])
        m = item["minutes"]
        if m is not None and (not isinstance(m, int) or isinstance(m, bool) or m < 0 or m > 240):
            errors.append(f"{where}: minutes must be an int in 0..240 or null, got {m!r}")


def markdown_counts(segs: list[dict], notes: list[dict]) -> str:
    """Counts by label x voice and by tag x label, as Markdown tables for the README."""
    labels = sorted(LABELS)
    voices = sorted({r.get("voice") for r in segs + notes})
    out = ["| voice | " + " | ".join(labels) + " | segments | hard | notes |", "|---" * (len(labels) + 4) + "|"]
    for v in voices:
        rs = [r for r in segs if r.get("voice") == v]
        hard = sum("hard" in (r.get("tags") or []) for r in rs)
        n_notes = sum(1 for r in notes if r.get("voice") == v)
        out.append(f"| {v} | " + " | ".join(str(sum(r["label"] == lab for r in rs)) for lab in labels) + f" | {len(rs)} | {f'{hard / len(rs):.0%}' if rs else '-'} | {n_notes} |")
    hard = sum("hard" in (r.get("tags") or []) for r in segs)
    out.append("| **all** | " + " | ".join(str(sum(r["label"] == lab for r in segs)) for lab in labels) + f" | {len(segs)} | {hard / max(len(segs), 1):.0%} | {len(notes)} |")
    tags = Counter(t for r in segs for t in r.get("tags") or [])
    out += ["", "| tag | " + " | ".join(labels) + " | all |", "|---" * (len(labels) + 2) + "|"]
    for tag, n in tags.most_common():
        out.append(f"| {tag} | " + " | ".join(str(sum(r["label"] == lab and tag in (r.get("tags") or []) for r in segs)) for lab in labels) + f" | {n} |")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    as_markdown = "--markdown" in argv
    argv = [a for a in argv if a != "--markdown"]
    roots = [Path(a) for a in argv] or [Path(__file__).parent]
    files = []
    for root in roots:
        files += [root] if root.is_file() else sorted(f for f in root.rglob("*.jsonl") if "review" not in f.parts)
    errors: list[str] = []
    rows: list[tuple[str, dict]] = []
    ids: dict[str, str] = {}
    for f in files:
        for k, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{f}:{k}"
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                errors.append(f"{where}: not valid JSON ({exc.msg})")
                continue
            if not isinstance(row, dict):
                errors.append(f"{where}: a line must be a JSON object")
                continue
            rid = row.get("id")
            if not isinstance(rid, str) or not rid:
                errors.append(f"{where}: id must be a non-empty string")
            elif rid in ids:
                errors.append(f"{where}: id {rid} already used at {ids[rid]}")
            else:
                ids[rid] = where
            if not isinstance(row.get("text"), str) or not row["text"].strip():
                errors.append(f"{where}: text must be a non-empty string")
                continue
            if row.get("voice") not in VOICES:
                errors.append(f"{where}: voice must be one of {sorted(VOICES)}")
            if row.get("confidence") not in {"high", "medium"}:
                errors.append(f"{where}: confidence must be 'high' or 'medium'")
            tags = row.get("tags")
            if not isinstance(tags, list) or not set(tags) <= TAGS:
                bad = sorted(set(tags or []) - TAGS) if isinstance(tags, list) else tags
                errors.append(f"{where}: unknown tags {bad} (allowed: {sorted(TAGS)})")
            if not isinstance(row.get("rationale"), str) or len(row["rationale"].strip()) < 15:
                errors.append(f"{where}: rationale must be a sentence")
            if row.get("kind") == "segment":
                check_segment(row, where, errors)
            elif row.get("kind") == "note":
                check_note(row, where, errors)
            else:
                errors.append(f"{where}: kind must be 'segment' or 'note'")
            rows.append((where, row))

    # near-duplicates: word 5-gram Jaccard through an inverted index
    index: dict[str, list[int]] = defaultdict(list)
    gram_sets = [grams(r["text"]) for _, r in rows]
    for i, g in enumerate(gram_sets):
        for x in g:
            index[x].append(i)
    dups = []
    for i, g in enumerate(gram_sets):
        shared = Counter(j for x in g for j in index[x] if j > i)
        for j, n in shared.items():
            jac = n / len(g | gram_sets[j])
            same_group = rows[i][1].get("group") is not None and rows[i][1].get("group") == rows[j][1].get("group")
            if jac >= DUP_JACCARD and not same_group:
                dups.append((rows[i][0], rows[j][0], jac))
    for a, b, jac in dups:
        errors.append(f"near-duplicate (5-gram Jaccard {jac:.2f}): {a} ~ {b}")

    segs = [r for _, r in rows if r.get("kind") == "segment"]
    notes = [r for _, r in rows if r.get("kind") == "note"]
    if as_markdown:
        print(markdown_counts(segs, notes))
        return 1 if errors else 0
    print(f"{len(segs)} segments, {len(notes)} notes in {len(files)} files")
    if segs:
        by_label = Counter(r.get("label") for r in segs)
        print("labels: " + ", ".join(f"{k} {v} ({v / len(segs):.0%})" for k, v in sorted(by_label.items())))
        by_voice = defaultdict(Counter)
        for r in segs:
            by_voice[r.get("voice")][r.get("label")] += 1
        for voice, c in sorted(by_voice.items(), key=lambda kv: str(kv[0])):
            print(f"  {voice}: " + ", ".join(f"{k} {c[k]}" for k in sorted(LABELS)) + f"  (total {sum(c.values())})")
        tags = Counter(t for r in segs for t in r.get("tags") or [])
        print(f"hard share {tags['hard'] / len(segs):.0%}; medium share "
              f"{sum(r.get('confidence') == 'medium' for r in segs) / len(segs):.0%}")
        print("tags: " + ", ".join(f"{k} {v}" for k, v in tags.most_common()))
        others = Counter(r.get("other_code") for r in segs if r.get("label") == "none")
        print("none.other_code: " + ", ".join(f"{k} {v}" for k, v in others.most_common()))
    for e in errors[:200]:
        print("ERROR " + e)
    if len(errors) > 200:
        print(f"... and {len(errors) - 200} more errors")
    print(f"{len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
