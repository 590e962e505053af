// Training and certification (培训与认证, SPEC 7): courses, question banks, exams and monthly sittings, attempts, certificates, enforcement.
export * from './training.schemas.ts';
export { listCourses, createCourse, updateCourse, completeCourse, dueTraining, listQuestions, createQuestion, updateQuestion, listExams, getExam, createExam, updateExam, publishExam, createSitting } from './authoring.service.ts';
export { listSittings, startAttempt, getAttempt, answerAttempt, sittingResults, myAttempts } from './attempts.service.ts';
export { gradeExam, type ExamGrade } from './grading.ts';
export {
  addMonths,
  assertCertified,
  DEFAULT_TRAINING_SETTINGS,
  issueCertificate,
  listCertificates,
  requiredCertificate,
  revokeCertificate,
  trainingSettings,
  uncertifiedAmong,
  updateTrainingSettings,
} from './certification.ts';
export { assertRecordingInspectable, isRecording } from './recordings.ts';
export type { TrainingAttemptsTable, TrainingCertificatesTable, TrainingCompletionsTable, TrainingCoursesTable, TrainingExamsTable, TrainingQuestionsTable, TrainingSittingsTable } from './training.table.ts';
