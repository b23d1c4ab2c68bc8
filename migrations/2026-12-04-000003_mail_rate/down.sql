DROP TABLE mail_rate;
