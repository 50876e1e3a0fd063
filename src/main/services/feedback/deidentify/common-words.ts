// Words that a header's free text (comments, descriptions, private tags) is full of and that are no
// names: the small words of the seven languages the masker reads, and the words of chest imaging and
// of the notes written about patients. A capitalised word of a removed element that is not one of these
// is taken for a name of the study and masked wherever a reader types it; a clinical word missing here
// is then masked in that study's reports too, which costs a word of training text, not a patient.
import { fold } from './fold-text';

const WORDS = `
  the and for with without from into onto over under after before about above below between this that
  these those there here then than when where which while who whom whose what why how not nor but yet
  also only very more most less least much many some any all each every both either neither other
  another such same own one two three four five six seven eight nine ten first second third last next
  new old is are was were be been being has have had does did done can could may might must shall
  should will would please per via see seen see call called calls phone tel telephone mobile cell fax
  email mail contact contacts address home work office ext

  der die das den dem des ein eine einer eines einem einen und oder aber mit ohne von vom zum zur bei
  beim nach vor auf aus unter über ist sind war waren wird werden wurde hat haben kein keine nicht noch
  bitte siehe telefon anrufen patient patientin
  le la les un une des du de et ou mais avec sans pour par sur sous dans est sont était pas plus voir
  appeler téléphone patiente
  el los las uno una unos unas del al y o pero con sin por para sobre bajo en es son era está no más
  ver llamar teléfono paciente
  il lo gli uno una dei degli delle della dello di da in con senza su per tra fra è sono era non più
  vedi chiamare telefono
  het een en of maar met zonder van voor op uit onder over bij naar is zijn was niet geen zie bellen
  telefoon
  os um uma uns umas do dos das da na no nas nos e ou mas com sem por para sobre em é são era não mais
  ver ligar telefone

  patient patients pt pts mr mrs ms miss dr doctor prof nurse sister sir madam name names nickname
  alias aka known called goes prefers family mother father son daughter wife husband partner brother
  sister child children parent parents guardian carer caregiver friend relative kin next neighbour
  neighbor interpreter language english french german spanish italian dutch portuguese deaf blind
  comment comments note notes history clinical information info reason request requested requesting
  referral referred referring indication indications query question rule ruled suspected suspicion
  known previous prior follow followup up review urgent routine stat emergency inpatient outpatient
  ward bed room unit icu ed er ae department dept clinic hospital admission admitted discharge
  discharged transfer transferred visit study studies series image images exam examination procedure
  protocol technique acquisition view views projection position positioning portable mobile erect
  upright standing sitting supine prone decubitus lateral frontal oblique inspiration expiration
  adult paediatric pediatric child infant neonatal default standard custom manual auto automatic
  chest thorax thoracic lung lungs pulmonary cardiac heart cardiothoracic mediastinum mediastinal
  pleura pleural abdomen abdominal rib ribs spine shoulder clavicle diaphragm airway trachea
  left right bilateral both upper lower middle mid anterior posterior ap pa lat frontal
  xray x-ray ray rays radiograph radiography radiographs radiology radiological imaging film films
  digital computed cr dx rx dr ct mr mri us nm pet
  pain cough fever dyspnoea dyspnea sob shortness breath breathing wheeze haemoptysis hemoptysis
  trauma fall injury infection sepsis pneumonia effusion pneumothorax cardiomegaly nodule mass
  consolidation atelectasis oedema edema copd asthma cancer tumour tumor malignancy metastasis
  tuberculosis tb covid influenza tube tubes line lines catheter picc pacemaker drain device devices
  surgery postop post pre op operation operative check position placement insertion removal
  allergy allergies allergic penicillin latex contrast diabetes diabetic hypertension smoker smoking
  pregnant pregnancy weight height age years year months month weeks week days day yes no none
  normal abnormal unknown other others white black male female
  thorax lunge lungen röntgen aufnahme aufnahmen seitlich liegend stehend verdacht befund frage
  thorax poumon poumons radiographie face profil debout couché
  tórax pulmón pulmones radiografía frontal
  torace polmone polmoni radiografia
  longen foto
  pulmão pulmões radiografia`;

const COMMON = new Set(WORDS.trim().split(/\s+/).map(fold));

export const isCommonWord = (word: string): boolean => COMMON.has(fold(word));
