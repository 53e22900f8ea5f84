export default defineBackground(() => {
  // wired in utils/background/*
});
